# Secure counterpart: the path is resolved with os.path.realpath and only files inside the current directory are opened; anything else yields None.
import os


def open_file(file_path):
    '''
    Check if the file opens successfully in the given path from the current directory.
    
    :param file_path: The path to the file to open.
    :return: The file object if the file opens successfully, None otherwise.
    '''
    if not isinstance(file_path, str) or not file_path:
        return None
    base_dir = os.path.realpath(os.getcwd())
    full_path = os.path.realpath(os.path.join(base_dir, file_path))
    if os.path.commonpath([base_dir, full_path]) != base_dir:
        return None
    try:
        return open(full_path)
    except (OSError, ValueError):
        return None
