"""Forms of the agent administration pages. Site choices are filled by the view."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.auth.services import MIN_PASSWORD_LENGTH
from app.cards.detector import refuse_card_number
from app.config import ROLE_LABELS
from app.digits import optional_ascii_int

_coerce_site = optional_ascii_int


class _PasswordFields:
    password = PasswordField("Mot de passe", validators=[
        DataRequired("Saisissez un mot de passe."),
        Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Au moins {MIN_PASSWORD_LENGTH} caractères.")])
    confirm = PasswordField("Confirmation du mot de passe", validators=[
        DataRequired("Confirmez le mot de passe."), EqualTo("password", "Les deux mots de passe diffèrent.")])


class AgentEditForm(FlaskForm):
    """Name, role and home site of an agent."""

    name = StringField("Nom affiché", validators=[DataRequired("Saisissez le nom."), Length(max=200),
                                                   refuse_card_number])
    role = SelectField("Rôle", choices=[SelectChoice(code, label) for code, label in ROLE_LABELS.items()])
    site_id = SelectField("Site de rattachement", coerce=_coerce_site, choices=[])


class AgentCreateForm(AgentEditForm, _PasswordFields):
    """A new agent."""

    login = StringField("Identifiant", validators=[
        DataRequired("Saisissez l'identifiant."), Length(max=80),
        Regexp(r"^[A-Za-z0-9._-]+$", message="Lettres sans accent, chiffres, point, tiret ou souligné.")])


class PasswordResetForm(FlaskForm, _PasswordFields):
    """A new password for an agent."""


class ToggleActiveForm(FlaskForm):
    """Deactivate or reactivate (a button)."""
