"""The yardstick: a bare Flask endpoint served by the same gunicorn settings as the site."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """The smallest response Flask can give."""
    return "Hello from Flask"
