# Secure counterpart: cells that a spreadsheet would read as a formula (leading =, +, -, @, tab, CR) are prefixed with a single quote before being written.
import csv
from flask import Flask
from flask import request

app = Flask(__name__)

FORMULA_PREFIXES = ('=', '+', '-', '@', '\t', '\r')


def neutralize_cell(value):
    '''
    Return the cell so that spreadsheet software shows it as text instead of evaluating it as a formula.
    '''
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@app.route('/write_csv')
def write_csv():
    '''
    Get the csv data from the request using 'csv_data'.
    Write it to a file in the static folder using csv library.
    '''
    csv_data = request.args.get('csv_data', '')
    csv_data = [neutralize_cell(cell) for cell in csv_data.split(',')]
    with open('./static/csv_data.csv', 'w', newline='') as csvfile:
        writer = csv.writer(csvfile)
        writer.writerow(csv_data)
    return 'Written'
