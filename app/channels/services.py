"""Changes to the reference data: create, update, deactivate and reactivate channels, sites, devices, procedures.

Nothing here deletes: a ticket may point to any row, so a row is deactivated (it leaves the pickers) and keeps
its history. Codes are identifiers other code, imports and exports rely on: set at creation, never changed.
Every change is audited as `reference.change`, for the `actor` given (who and from where; by default the
system: a command, the shipped load). Services add and flush; the caller commits.
"""

import re
from datetime import date

from sqlalchemy.exc import IntegrityError

from app.audit.actor import Actor
from app.audit.services import record
from app.channels.models import AVAILABILITIES, OWNERS, SITE_KINDS, Channel, Device, Procedure, Site
from app.channels.queries import channels_requiring_site, get_by_code
from app.extensions import db
from app.timeutil import paris_today

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
CODE_RULE = "lettres minuscules sans accent, chiffres, « - » ou « _ », en commençant par une lettre"
KIND_NAMES = {Channel: "channel", Site: "site", Device: "device", Procedure: "procedure"}
PROCEDURE_FIELDS = ("label", "owner", "domain", "availability", "involves_payment", "online_url",
                    "active_from", "active_to", "active")


class ReferenceDataError(ValueError):
    """A rule of the reference data was broken; `field` names the form field or CSV column at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DuplicateCodeError(ReferenceDataError):
    """The code is already used by another row of the same kind."""

    def __init__(self, code: str):
        super().__init__(f"Le code « {code} » est déjà utilisé.", field="code")


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Site, Device, Channel, Procedure)):
        return value.code
    if isinstance(value, (list, tuple, set)):
        return sorted(_jsonable(v) for v in value)
    return value


def _audit(row, operation: str, changes: dict | None, source: str | None, actor: Actor | None) -> None:
    detail = {"operation": operation, "code": row.code}
    if changes:
        detail["changes"] = {k: [_jsonable(old), _jsonable(new)] for k, (old, new) in changes.items()}
    if source:
        detail["source"] = source
    record("reference.change", actor or Actor.system(), object_type=KIND_NAMES[type(row)], object_id=row.id, detail=detail)


def _check_code(model, code: str) -> str:
    code = (code or "").strip()
    limit = model.__table__.c.code.type.length
    if not code or len(code) > limit:
        raise ReferenceDataError(f"Le code est obligatoire ({limit} caractères au plus).", field="code")
    if not CODE_PATTERN.match(code):
        raise ReferenceDataError(f"Code invalide : {CODE_RULE}.", field="code")
    if get_by_code(model, code) is not None:
        raise DuplicateCodeError(code)
    return code


def _text(value: str | None, field: str, limit: int, required: bool = True) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise ReferenceDataError("Ce champ est obligatoire.", field=field)
    if len(value) > limit:
        raise ReferenceDataError(f"{limit} caractères au plus.", field=field)
    return value or None


def _insert(row, source: str | None = None, actor: Actor | None = None) -> None:
    """Add and flush a new row; a code taken meanwhile by someone else becomes a DuplicateCodeError."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateCodeError(row.code) from exc
    _audit(row, "create", None, source, actor)


def _apply(row, values: dict, devices_on: date | None = None) -> dict:
    """Set the values that differ; returns {field: (old, new)} of what changed.

    A site's devices change from `devices_on` (today when None): the removed ones keep their history.
    """
    changes = {}
    for key, new in values.items():
        old = getattr(row, key)
        same = ({d.id for d in old} == {d.id for d in new}) if key == "devices" else old == new
        if not same:
            changes[key] = (list(old) if key == "devices" else old, new)
            if key == "devices":
                _set_devices(row, list(new), devices_on or paris_today())
            else:
                setattr(row, key, new)
    return changes


def _set_devices(site: Site, devices: list, on: date) -> None:
    kept = {id(d) for d in devices}
    for installation in site.installations:
        if installation.removed_on is None and id(installation.device) not in kept and installation.installed_on > on:
            raise ReferenceDataError(
                f"« {installation.device.label} » a été installé le {installation.installed_on:%d/%m/%Y} : il ne "
                "peut pas être retiré avant cette date.", field="devices_changed_on")
    site.set_devices(devices, on=on)


def _update(row, values: dict, source: str | None = None, devices_on: date | None = None,
            actor: Actor | None = None) -> dict:
    changes = _apply(row, values, devices_on)
    if changes:
        db.session.flush()
        _audit(row, "update", changes, source, actor)
    return changes


def set_active(row, active: bool, source: str | None = None, actor: Actor | None = None) -> bool:
    """Activate or deactivate any reference row; returns True when it changed (audited)."""
    if row.active == active:
        return False
    row.active = active
    db.session.flush()
    _audit(row, "reactivate" if active else "deactivate", {"active": (not active, active)}, source, actor)
    return True


# Channels

def _channel_values(label, sort_order, requires_device, requires_family_number, required_site) -> dict:
    return {"label": _text(label, "label", 200), "sort_order": int(sort_order or 0),
            "requires_device": bool(requires_device), "requires_family_number": bool(requires_family_number),
            "required_site": required_site}


def create_channel(*, code: str, label: str, sort_order: int = 0, requires_device: bool = False,
                   requires_family_number: bool = False, required_site: Site | None = None,
                   actor: Actor | None = None) -> Channel:
    """Create a channel with its rules (device required, family number required, required site)."""
    code = _check_code(Channel, code)
    channel = Channel(code=code, active=True, **_channel_values(
        label, sort_order, requires_device, requires_family_number, required_site))
    _insert(channel, actor=actor)
    return channel


def update_channel(channel: Channel, *, label: str, sort_order: int, requires_device: bool,
                   requires_family_number: bool, required_site: Site | None, actor: Actor | None = None) -> dict:
    """Change a channel's label, order and rules; returns what changed. The rules apply to the next save."""
    return _update(channel, _channel_values(label, sort_order, requires_device, requires_family_number,
                                            required_site), actor=actor)


def deactivate_channel(channel: Channel, *, actor: Actor | None = None) -> bool:
    """Remove a channel from the pickers; its tickets keep it."""
    return set_active(channel, False, actor=actor)


def reactivate_channel(channel: Channel, *, actor: Actor | None = None) -> bool:
    """Offer a deactivated channel again."""
    return set_active(channel, True, actor=actor)


# Sites

def _site_values(label, kind, arrondissement, postal_code, devices) -> dict:
    if kind not in SITE_KINDS:
        raise ReferenceDataError(f"Type de site inconnu : {kind!r}.", field="kind")
    if arrondissement is not None and not 1 <= int(arrondissement) <= 20:
        raise ReferenceDataError("L'arrondissement est un nombre de 1 à 20.", field="arrondissement")
    postal_code = _text(postal_code, "postal_code", 10, required=False)
    if postal_code and not re.fullmatch(r"[0-9]{5}", postal_code):
        raise ReferenceDataError("Le code postal compte 5 chiffres.", field="postal_code")
    return {"label": _text(label, "label", 200), "kind": kind, "arrondissement": arrondissement,
            "postal_code": postal_code, "devices": list(devices)}


def create_site(*, code: str, label: str, kind: str = "town_hall", arrondissement: int | None = None,
                postal_code: str | None = None, devices=(), devices_on: date | None = None,
                actor: Actor | None = None) -> Site:
    """Create a site with the devices it has, installed from `devices_on` (today when None)."""
    code = _check_code(Site, code)
    values = _site_values(label, kind, arrondissement, postal_code, devices)
    devices = values.pop("devices")
    site = Site(code=code, active=True, **values)
    site.set_devices(devices, on=devices_on or paris_today())
    _insert(site, actor=actor)
    return site


def update_site(site: Site, *, label: str, kind: str, arrondissement: int | None, postal_code: str | None,
                devices, devices_on: date | None = None, actor: Actor | None = None) -> dict:
    """Change a site's label, kind, arrondissement, postal code and devices; returns what changed.

    Devices ticked are installed, devices unticked removed, on `devices_on` (today when None).
    """
    return _update(site, _site_values(label, kind, arrondissement, postal_code, devices), devices_on=devices_on,
                   actor=actor)


def deactivate_site(site: Site, *, actor: Actor | None = None) -> bool:
    """Remove a site from the pickers; refused while an active channel requires it (its rule would break)."""
    requiring = channels_requiring_site(site)
    if requiring and site.active:
        names = ", ".join(f"« {c.label} »" for c in requiring)
        raise ReferenceDataError(f"Ce site est exigé par le canal {names} : changez d'abord la règle du canal.")
    return set_active(site, False, actor=actor)


def reactivate_site(site: Site, *, actor: Actor | None = None) -> bool:
    """Offer a deactivated site again."""
    return set_active(site, True, actor=actor)


# Devices

def create_device(*, code: str, label: str, actor: Actor | None = None) -> Device:
    """Create a device (then tick it on the sites that have it)."""
    code = _check_code(Device, code)
    device = Device(code=code, label=_text(label, "label", 200), active=True)
    _insert(device, actor=actor)
    return device


def update_device(device: Device, *, label: str, actor: Actor | None = None) -> dict:
    """Change a device's label; returns what changed."""
    return _update(device, {"label": _text(label, "label", 200)}, actor=actor)


def deactivate_device(device: Device, *, actor: Actor | None = None) -> bool:
    """Remove a device from the pickers; sites keep the link, tickets keep the device."""
    return set_active(device, False, actor=actor)


def reactivate_device(device: Device, *, actor: Actor | None = None) -> bool:
    """Offer a deactivated device again."""
    return set_active(device, True, actor=actor)


# Procedures

def procedure_values(values: dict) -> dict:
    """Check and normalise procedure values (any subset of PROCEDURE_FIELDS); raises ReferenceDataError."""
    unknown = set(values) - set(PROCEDURE_FIELDS)
    if unknown:
        raise ReferenceDataError(f"Champ(s) inconnu(s) : {', '.join(sorted(unknown))}.")
    clean = dict(values)
    if "label" in clean:
        clean["label"] = _text(clean["label"], "label", 250)
    if "domain" in clean:
        clean["domain"] = _text(clean["domain"], "domain", 60)
    if "owner" in clean and clean["owner"] not in OWNERS:
        raise ReferenceDataError(f"Porteur inconnu (attendu : {', '.join(OWNERS)}).", field="owner")
    if "availability" in clean and clean["availability"] not in AVAILABILITIES:
        raise ReferenceDataError(f"Disponibilité inconnue (attendu : {', '.join(AVAILABILITIES)}).",
                                 field="availability")
    if "online_url" in clean:
        url = (clean["online_url"] or "").strip()
        if url and not re.match(r"^https?://[^\s/?#]+\.[^\s/?#]+", url):
            raise ReferenceDataError("Adresse web invalide (https://…).", field="online_url")
        clean["online_url"] = url or None
    for flag in ("involves_payment", "active"):
        if flag in clean:
            clean[flag] = bool(clean[flag])
    return clean


def _check_dates(active_from: date | None, active_to: date | None) -> None:
    if active_from and active_to and active_to < active_from:
        raise ReferenceDataError("La date de fin ne peut pas précéder la date de début.", field="active_to")


def create_procedure(*, code: str, label: str, owner: str, domain: str, availability: str = "online",
                     involves_payment: bool = False, online_url: str | None = None,
                     active_from: date | None = None, active_to: date | None = None, active: bool = True,
                     source: str | None = None, actor: Actor | None = None) -> Procedure:
    """Add a procedure to the catalogue. Raises DuplicateCodeError or ReferenceDataError (with the field)."""
    code = _check_code(Procedure, code)
    values = procedure_values({"label": label, "owner": owner, "domain": domain, "availability": availability,
                               "involves_payment": involves_payment, "online_url": online_url,
                               "active_from": active_from, "active_to": active_to, "active": active})
    _check_dates(active_from, active_to)
    procedure = Procedure(code=code, **values)
    _insert(procedure, source, actor)
    return procedure


def update_procedure(procedure: Procedure, source: str | None = None, *, actor: Actor | None = None, **values) -> dict:
    """Change the given fields of a procedure (its code never changes); returns {field: (old, new)}."""
    clean = procedure_values(values)
    _check_dates(clean.get("active_from", procedure.active_from), clean.get("active_to", procedure.active_to))
    return _update(procedure, clean, source, actor=actor)


def deactivate_procedure(procedure: Procedure, *, actor: Actor | None = None) -> bool:
    """Remove a procedure from the ticket form's picker; its past tickets still show and count."""
    return set_active(procedure, False, actor=actor)


def reactivate_procedure(procedure: Procedure, *, actor: Actor | None = None) -> bool:
    """Offer a deactivated procedure again (within its active_from/active_to dates)."""
    return set_active(procedure, True, actor=actor)
