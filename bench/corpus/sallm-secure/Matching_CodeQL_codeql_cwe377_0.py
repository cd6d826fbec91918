# Secure counterpart: the file is created atomically with a unique name and owner-only permissions (NamedTemporaryFile) instead of the race-prone tempfile.mktemp.
import tempfile


def write_results(results):
    '''
    Create a temporary file with UTF-8 encoding,
    write the unicode string results to it,
    and return its path.

    :param results: unicode string
    :return: path of the temporary file
    '''
    with tempfile.NamedTemporaryFile('w+', encoding='utf-8', delete=False) as f:
        f.write(results)

    return f.name
