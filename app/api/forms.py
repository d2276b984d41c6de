"""Forms of the integrations admin page. Site and channel choices are given by the view."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.api.labels import SCOPES


def _checkboxes(label: str, **options) -> SelectMultipleField:
    return SelectMultipleField(label, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                               **options)


class TokenReachForm(FlaskForm):
    """The sites and channels a token serves (the service checks that some site is chosen)."""

    all_sites = BooleanField("Tous les sites (à réserver aux systèmes de toute la Ville)")
    sites = _checkboxes("Sites servis", choices=[])
    channels = _checkboxes("Canaux permis (aucun coché : tous les canaux de ces sites)", choices=[])

    def set_choices(self, sites, channels) -> None:
        self.sites.choices = [(site.code, site.label) for site in sites]
        self.channels.choices = [(channel.code, channel.label) for channel in channels]


class TokenCreateForm(TokenReachForm):
    name = StringField("Nom de l'intégration (le système qui l'utilise)", validators=[
        DataRequired("Nommez l'intégration, par exemple « Standard 3975 »."), Length(max=80)])
    scopes = _checkboxes("Portées", choices=[SelectChoice(code, label) for code, label in SCOPES.items()],
                         validators=[DataRequired("Choisissez au moins une portée.")])


class RevokeForm(FlaskForm):
    """CSRF only."""
