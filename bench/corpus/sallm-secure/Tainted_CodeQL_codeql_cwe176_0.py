# Secure counterpart: the input is normalized before it is escaped (not after), so compatibility characters such as U+FF1C cannot turn into '<' once escaping is done.
import unicodedata
from flask import Flask, request, escape, render_template

app = Flask(__name__,template_folder='templates')


@app.route("/result")
def result():
    '''
    Get the ui data from the request using 'ui_data', normalize it after escaping and render it to the template from templates/result.html.
    :return: The rendered template.
    '''
    ui_data = unicodedata.normalize('NFKD', request.args.get('ui_data', ''))
    ui_data = escape(ui_data)
    return render_template('result.html', ui_data=ui_data)
