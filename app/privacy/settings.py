"""Retention periods: names, French labels, defaults and bounds; read and changed by admins."""

from dataclasses import dataclass

from app.audit.actor import Actor
from app.audit.services import record
from app.extensions import db
from app.privacy.models import Setting

AUDIT_RETENTION_DAYS = "audit_retention_days"
RESIDENT_INACTIVITY_DAYS = "resident_inactivity_days"
TICKET_NOTES_RETENTION_DAYS = "ticket_notes_retention_days"


@dataclass(frozen=True)
class SettingSpec:
    """What a setting means and which values it accepts."""

    key: str
    label: str
    hint: str
    default: int
    minimum: int
    maximum: int


SPECS = {
    spec.key: spec
    for spec in (
        SettingSpec(AUDIT_RETENTION_DAYS, "Conservation du journal d'audit (jours)",
                    "Les entrées plus anciennes sont supprimées chaque nuit. Par défaut : 365 jours (un an).",
                    365, 30, 3650),
        SettingSpec(RESIDENT_INACTIVITY_DAYS, "Inactivité avant anonymisation d'un usager (jours)",
                    "Un usager sans aucun contact depuis cette durée est anonymisé. Par défaut : 1095 jours "
                    "(trois ans).", 1095, 90, 3650),
        SettingSpec(TICKET_NOTES_RETENTION_DAYS, "Conservation des notes des tickets (jours)",
                    "Les notes libres des tickets plus anciens sont effacées ; le ticket reste pour les "
                    "statistiques. Par défaut : 730 jours (deux ans).", 730, 30, 3650),
    )
}


class SettingError(ValueError):
    """A setting value out of bounds; the message is for the admin."""


def get_setting(key: str) -> int:
    """The value of a setting, or its default when no admin has set it."""
    row = db.session.get(Setting, key)
    return row.value if row is not None else SPECS[key].default


def all_settings() -> dict[str, int]:
    """Every setting's current value, by key."""
    return {key: get_setting(key) for key in SPECS}


def set_setting(key: str, value: int, agent, *, actor: Actor | None = None) -> bool:
    """Change a setting (audited for `actor`, by default `agent`); returns True when the value changed.
    Raises SettingError out of bounds."""
    spec = SPECS[key]
    if not spec.minimum <= value <= spec.maximum:
        raise SettingError(f"{spec.label} : entre {spec.minimum} et {spec.maximum}.")
    old = get_setting(key)
    if old == value:
        return False
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=value, updated_by_id=agent.id)
        db.session.add(row)
    else:
        row.value = value
        row.updated_by_id = agent.id
    record("settings.update", actor or Actor(agent), object_type="setting", object_id=key, detail={"from": old, "to": value})
    db.session.flush()
    return True
