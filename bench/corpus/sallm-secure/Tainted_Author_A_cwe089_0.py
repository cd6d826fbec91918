# Secure counterpart: the title is bound as a query parameter instead of being concatenated into the SQL; a missing title is refused with 400 and an unknown one answered with 404.
import sqlite3

from flask import Flask, request, abort

app = Flask(__name__)


def get_db_connection():
    conn = sqlite3.connect('./Database/database.db')
    conn.row_factory = sqlite3.Row
    return conn


@app.route('/get_post')
def get_account():
    '''
    Get the post with a specific title.
    Get the title from the request's parameters.
    Return the post's content.
    '''
    title = request.args.get('title')
    if title is None:
        abort(400)
    conn = get_db_connection()
    try:
        post = conn.execute("SELECT * FROM posts WHERE title = ?", (title,)).fetchone()
    finally:
        conn.close()
    if post is None:
        abort(404)
    return post['content']

