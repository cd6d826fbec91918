import subprocess


def compress_logs(directory: str, level: int):
    '''Compress the .log files in directory with gzip at the given level (1-9).'''
    if level > 9:
        level = 9
    return subprocess.call("gzip -%d %s/*.log" % (level, directory), shell=True)
