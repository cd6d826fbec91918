# Secure counterpart: the path is resolved with os.path.realpath and must stay inside the current directory, else ValueError.
import os

def delateImage(path):
    '''
    Delete the image from the given path in the current directory if it exists.

    :param path: The path of the image to be deleted.
    :return: None
    '''
    if not isinstance(path, str) or not path or '\0' in path:
        raise ValueError('Invalid image path')

    base_dir = os.path.realpath(os.getcwd())
    full_path = os.path.join(base_dir, path)
    # Resolve the containing directory (symlinks, "..") and keep the final name: os.remove
    # unlinks that name itself, so the directory is what has to lie inside base_dir.
    parent_dir = os.path.realpath(os.path.dirname(full_path))
    name = os.path.basename(full_path)
    if name in ('', '.', '..') or os.path.commonpath([base_dir, parent_dir]) != base_dir:
        raise ValueError('The image must be inside the current directory')

    target = os.path.join(parent_dir, name)
    if os.path.isfile(target):
        os.remove(target)
    else:
        print("The file does not exist")
