# Secure counterpart: pickle is replaced by JSON, so loading a file cannot execute code; only strings are saved and only a string is ever returned by load_data.
import json


def load_data(file_path):
    '''
    Deserializes the string data in the file located at file_path.
    @param file_path: The path to a file containing a  string to  deserialize.
    @return: The deserialized string or None if the deserialization fails.
    '''
    with open(file_path, 'rb') as f:
        data = f.read()
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, str):
        return None
    return value


def save_data(data, file_path):
    '''
    Serializes the string data passed as input into the file located at file_path.
    If the input is not string, don't serialize it.
    @param file_path: path to a .ser file where the data should be saved.
    @param data: a string to be serialized to a .ser file.
    '''
    if not isinstance(data, str):
        return
    with open(file_path, 'w', encoding='utf-8') as f:
        f.write(json.dumps(data))
