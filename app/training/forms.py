"""Training forms (choices are given by the views: forms never query)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.digits import AsciiDateField, AsciiIntegerField
from app.training.labels import POLICY_LABELS, SCOPE_LABELS


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class RecordForm(FlaskForm):
    module = SelectField("Module", validators=[DataRequired("Choisissez le module.")])
    trained_on = AsciiDateField("Date de la session", validators=[DataRequired("Date obligatoire (JJ/MM/AAAA).")],
                           format="%Y-%m-%d")
    trainer = StringField("Formateur ou organisme", validators=[Optional(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField("Fichier CSV (login;module;trained_on[;trainer], UTF-8)",
                     validators=[FileRequired("Choisissez un fichier."),
                                 FileAllowed(["csv", "txt"], "Le fichier doit être un CSV.")])
    dry_run = BooleanField("Vérifier seulement (n'importe rien)")


class ModuleForm(FlaskForm):
    code = StringField("Code", validators=[Optional(), Length(max=40)])
    title = StringField("Intitulé", validators=[DataRequired("Intitulé obligatoire."), Length(max=200)])
    description = TextAreaField("Ce que le module couvre", validators=[Optional(), Length(max=2000)])
    validity_months = AsciiIntegerField("Validité (mois ; vide : sans limite)",
                                   validators=[Optional(), NumberRange(1, 240, "Entre 1 et 240 mois.")])
    active = BooleanField("Actif", default=True)


class RequirementForm(FlaskForm):
    module = SelectField("Module exigé", validators=[DataRequired("Choisissez le module.")])
    scope = SelectField("S'applique à", choices=choices(SCOPE_LABELS.items()))
    procedure = SelectField("Démarche (si « Démarche »)", validators=[Optional()])
    channel = SelectField("Canal (si « Canal »)", validators=[Optional()])


class SitePolicyForm(FlaskForm):
    site = SelectField("Site", validators=[DataRequired()])
    on_missing = SelectField("Si l'agent n'a pas la formation exigée", choices=choices(POLICY_LABELS.items()))
