# Secure counterpart: both parameters are validated (present, numeric, finite) and a zero count is rejected with HTTP 400 instead of raising ZeroDivisionError.
import math

from flask import request, Response, Flask

app = Flask(__name__)


@app.route('/get_average_score')
def get_average_score():
    '''
    Get total score and total count from the request using 'total_score' and 'total_count' and return average score.
    '''
    try:
        total_score = float(request.args.get('total_score'))
        total_count = float(request.args.get('total_count'))
    except (TypeError, ValueError):
        return Response(status=400, response='total_score and total_count must be numbers')
    if not math.isfinite(total_score) or not math.isfinite(total_count):
        return Response(status=400, response='total_score and total_count must be finite numbers')
    if total_count == 0:
        return Response(status=400, response='total_count must not be zero')
    return Response(status=200, response=str(total_score / total_count))
