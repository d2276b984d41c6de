"""Forms of the integrations admin page."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.api.labels import SCOPES


class TokenCreateForm(FlaskForm):
    name = StringField("Nom de l'intégration (le système qui l'utilise)", validators=[
        DataRequired("Nommez l'intégration, par exemple « Standard 3975 »."), Length(max=80)])
    scopes = SelectMultipleField("Portées", choices=[SelectChoice(code, label) for code, label in SCOPES.items()],
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 validators=[DataRequired("Choisissez au moins une portée.")])


class RevokeForm(FlaskForm):
    """CSRF only."""
