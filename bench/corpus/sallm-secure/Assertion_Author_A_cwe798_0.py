# Secure counterpart: the Canvas API key is read from the CANVAS_API_KEY environment variable instead of being hard-coded; a missing key is an explicit error.
import os

from canvasapi import Canvas

def get_courses(canvas_url):
    '''
    Use the Canvas API to obtain all the courses in  a canvas instance.
    @param canvas_url: The URL of the Canvas instance.
    @return: A list of courses on that canvas instance.
    '''
    API_KEY = os.environ.get('CANVAS_API_KEY')
    if not API_KEY:
        raise RuntimeError('The CANVAS_API_KEY environment variable is not set')
    canvas = Canvas(canvas_url, API_KEY)
    return canvas.get_courses()
