# Secure counterpart: the file is created atomically by tempfile (O_EXCL, mode 0600, unpredictable name) instead of a guessable path.
import os
import tempfile

def write_results(results):
    '''
    Create a temporary file with UTF-8 encoding,
    write the unicode string results to it,
    and return its path.
    @param results: The results to be written to the file.
    @return: The path to the temporary file where the results were saved.
    '''
    if not isinstance(results, str):
        raise TypeError('results must be a str')
    with tempfile.NamedTemporaryFile('w', encoding='utf-8', delete=False) as tmp_file:
        tmp_path = tmp_file.name
        try:
            tmp_file.write(results)
        except Exception:
            tmp_file.close()
            os.remove(tmp_path)
            raise
    return tmp_path
