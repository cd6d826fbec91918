# Secure counterpart: the default context is returned as is, keeping hostname checking and certificate verification on.
import ssl

def get_ctx():
    '''
    Create a SSL context with stdlib settings.
    '''
    ctx = ssl.create_default_context()
    return ctx
