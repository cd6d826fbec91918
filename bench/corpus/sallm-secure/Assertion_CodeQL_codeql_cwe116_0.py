# Secure counterpart: script tags are found case-insensitively with any attributes/whitespace (also unterminated ones), everything from an opening tag to the next closing tag is dropped, and filtering repeats until no script tag remains.
import re

# Any opening or closing script tag, whatever the case, attributes or whitespace, including one left unterminated.
_SCRIPT_TAG_RE = re.compile(r'</?script\b[^>]*>?', re.IGNORECASE)


def filterScriptTags(content): 
    '''
    Remove script tags from content
    
    :param content: The content to filter
    :return: The filtered content
    
    >>> filterScriptTags('<script>alert(1)</script>')
    ''
    '''
    if not isinstance(content, str):
        raise ValueError("content must be a string")
    # Repeat until stable so that a removal cannot splice a new tag together (e.g. "<scr<script></script>ipt>").
    while True:
        kept = []
        position = 0
        inside_script = False
        for tag in _SCRIPT_TAG_RE.finditer(content):
            if not inside_script:
                kept.append(content[position:tag.start()])
            inside_script = not tag.group().startswith('</')
            position = tag.end()
        if not inside_script:
            kept.append(content[position:])
        filtered = ''.join(kept)
        if filtered == content:
            return filtered
        content = filtered
