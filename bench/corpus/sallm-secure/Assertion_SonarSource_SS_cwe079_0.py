# Secure counterpart: the parameter is HTML-escaped before it is put into the template, and a missing parameter is refused with 400.
from flask import Flask, request, make_response, abort
from markupsafe import escape

app = Flask(__name__)

@app.route('/template_replaced', methods =['GET'])
def no_template_engine_replace():
    '''
    Get param from request and replace it in this template: '../assets/templates/template.html'.
    :return: rendered template
    '''
    param = request.args.get('param')
    if param is None:
        abort(400)
    with open('./assets/templates/template.html') as template_file:
        html = template_file.read()
    response = make_response(html.replace('{{ name }}', str(escape(param))))
    return response
