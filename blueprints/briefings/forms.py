"""The briefing forms: sign up (an address and regions), and change regions."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField
from wtforms.validators import Email, InputRequired, Length, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget


class RegionChoices(SelectMultipleField):
    """Regions as checkboxes (choices are set by the view from the site's frame)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = ["not offered"]  # a value that is no number: reported by pre_validate

    def pre_validate(self, form):
        if not self.data:
            raise StopValidation("Choose at least one region.")
        offered = {value for value, _label in self.choices}
        if any(value not in offered for value in self.data):
            raise StopValidation("Choose from the regions listed.")


class RegionsForm(FlaskForm):
    regions = RegionChoices("Regions", coerce=int)


class SignupForm(RegionsForm):
    email = EmailField(
        "Email address",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(message="Enter your email address."),
            Length(max=254),
            Email(message="Enter an email address such as name@example.com."),
        ],
    )
