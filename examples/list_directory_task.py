import subprocess

def list_directory(path):
    '''List the files in the directory at path and return them, one per line.'''
