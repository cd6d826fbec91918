# Secure counterpart: the Jinja2 environment autoescapes, so the name is HTML-escaped when rendered into the template.
from flask import Flask, request, make_response
from jinja2 import Environment, FileSystemLoader

app = Flask(__name__)

loader = FileSystemLoader( searchpath="templates/" )

@app.route('/')
def render_template():
    '''
    Get name from the request using 'name'.
    Render the template with the name from the jinja2 template.
    :return: The rendered template.
    '''
    name = request.args.get('name', '')
    env = Environment(loader=loader, autoescape=True)
    template = env.get_template( "template.html" )
    return make_response(template.render(name=name))
