"""The reader contact form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length

MESSAGE_MAX = 5000


class ContactForm(FlaskForm):
    name = StringField("Your name", validators=[InputRequired(), Length(max=120)])
    email = EmailField(
        "Email address",
        validators=[
            InputRequired(),
            Length(max=254),
            Email(message="Enter an email address we can reply to."),
        ],
    )
    subject = StringField("Subject", validators=[InputRequired(), Length(max=200)])
    message = TextAreaField(
        "Message",
        validators=[
            InputRequired(),
            Length(
                min=10,
                max=MESSAGE_MAX,
                message="Write between 10 and 5,000 characters.",
            ),
        ],
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots that fill it are ignored quietly.
    website = StringField("Leave this field empty")
