# Secure counterpart: script tags are found case-insensitively with any attributes/whitespace (also unterminated ones), everything from an opening tag to the next closing tag is dropped, and filtering repeats until no script tag remains.
import re
from flask import Flask, request, Response, abort

app = Flask(__name__)

# Any opening or closing script tag, whatever the case, attributes or whitespace, including one left unterminated.
_SCRIPT_TAG_RE = re.compile(r'</?script\b[^>]*>?', re.IGNORECASE)


def _remove_script_tags(content):
    '''
    Remove every script element (from an opening script tag up to the next closing one, or to the end of the
    content if it is never closed) and every stray closing script tag.
    '''
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


@app.route('/filter_script_tags')
def filterScriptTags(): 
    '''
    Get content from the request using 'content' and remove script tags from it.
    '''
    content = request.args.get('content')
    if content is None:
        abort(400, description="Missing 'content' parameter")
    return _remove_script_tags(content)
