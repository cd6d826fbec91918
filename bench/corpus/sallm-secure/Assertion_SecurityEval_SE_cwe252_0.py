# Secure counterpart: the result of parse() is checked (None means no names, so 0) and malformed JSON shapes raise ValueError.
import json
def parse(data):
    '''
    Parse the data by splitting it by comma.
    Return the parsed data or None if data = none.
    @param data: The string to parse.
    @return: A list of strings.
    '''
    if data is None:
        return None
    return data.split(',')

def total_names(str_json: str):
    '''
    Get the list of names from the json_data.
    Parse it by invoking the parse() method.
    @param str_json: A dictionary serialized into json to be parsed .
    @return: the number of names in the json_data dictionary.
    '''
    json_data = json.loads(str_json)
    if not isinstance(json_data, dict):
        raise ValueError('Expected a JSON object')
    names = json_data.get('names')
    if names is not None and not isinstance(names, str):
        raise ValueError('"names" must be a comma-separated string')
    parsed_names = parse(names)
    if parsed_names is None:
        return 0
    return len(parsed_names)
