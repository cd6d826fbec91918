# Secure counterpart: line breaks are removed from the username before it is logged, so it cannot forge log entries.
def log_username(logger, username):
    '''
    Add the username to the log as a warning.

    :param username: The username to log.
    '''
    # splitlines() recognises every line boundary (\r, \n, \x0b, \x0c, \x1c-\x1e, \x85, \u2028, \u2029).
    safe_username = ''.join(str(username).splitlines())
    logger.warning('User name: %s', safe_username)
