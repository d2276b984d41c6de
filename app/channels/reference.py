"""The reference data every ticket points to: channels, sites, devices, the procedure catalogue.

`load_reference()` creates what is missing and leaves existing rows as they are, so that an admin's later
edits (labels, channel rules, a site's devices, a procedure's dates) survive every deploy and `demo load`.
`load_reference(overwrite=True)` puts the shipped values back on the shipped rows (an admin's own rows, and
every row's active flag, are never touched). Either way, running it twice changes nothing.
"""

from datetime import date

from app.audit.actor import Actor
from app.audit.services import record
from app.channels.catalogue import PROCEDURES
from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db
from app.timeutil import paris_today

DEVICES = (
    ("kiosk", "Borne tactile accessible PMR"),
    ("tablet", "Tablette sur banque d'accueil"),
    ("dual_screen", "Poste double écran, double clavier"),
    ("none", "Aucun dispositif"),
)

PILOT_TOWN_HALLS = (2, 4, 12, 17)
PILOT_START = date(2016, 10, 1)  # the shipped devices are installed from the pilot's first day


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def town_halls() -> list[dict]:
    """The twenty mairies d'arrondissement."""
    return [
        {
            "code": f"mairie-{n:02d}",
            "label": f"Mairie du {_ordinal(n)} arrondissement",
            "kind": "town_hall",
            "arrondissement": n,
            "postal_code": f"750{n:02d}",
            "devices": ("kiosk", "tablet", "dual_screen", "none") if n in PILOT_TOWN_HALLS else ("none",),
        }
        for n in range(1, 21)
    ]


SITES = town_halls() + [
    {"code": "plateforme-3975", "label": "Plateforme téléphonique 3975", "kind": "phone_platform",
     "arrondissement": None, "postal_code": None, "devices": ("none",)},
    {"code": "facil-familles", "label": "Facil'Familles", "kind": "family_office",
     "arrondissement": None, "postal_code": None, "devices": ("none", "dual_screen")},
]

# code, label, order, requires_device, requires_family_number, required site code
CHANNELS = (
    ("counter", "Accueil en mairie", 1, True, False, None),
    ("phone_3975", "Téléphone 3975", 2, False, False, "plateforme-3975"),
    ("facil_familles", "Facil'Familles", 3, False, True, None),
    ("email", "Courriel", 4, False, False, None),
    ("web", "Formulaire web", 5, False, False, None),
    ("mail", "Courrier postal", 6, False, False, None),
)


def _upsert(model, code: str, values: dict, overwrite: bool) -> tuple[object, bool]:
    """Create the row with this code, or (with `overwrite`) update its differing values; returns (row, changed)."""
    row = db.session.execute(db.select(model).where(model.code == code)).scalar_one_or_none()
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
        return row, True
    changed = False
    if not overwrite:
        return row, changed
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return row, changed


def load_reference(overwrite: bool = False) -> dict[str, int]:
    """Create the missing channels, sites, devices and procedures; returns counts of rows created or changed.

    With `overwrite`, shipped rows get their shipped values back and sites get back their shipped devices.
    """
    counts = {"devices": 0, "sites": 0, "channels": 0, "procedures": 0}
    devices = {}
    for code, label in DEVICES:
        devices[code], changed = _upsert(Device, code, {"label": label}, overwrite)
        counts["devices"] += changed
    db.session.flush()
    sites = {}
    for spec in SITES:
        values = {k: v for k, v in spec.items() if k not in ("code", "devices")}
        site, changed = _upsert(Site, spec["code"], values, overwrite)
        missing = [devices[c] for c in spec["devices"] if devices[c] not in site.devices]
        if missing and (changed or overwrite):  # shipped devices are added; devices an admin added are kept
            for device in missing:  # a device an admin removed comes back from today, history kept
                site.set_devices([*site.devices, device],
                                 on=PILOT_START if not site.installation_periods(device) else paris_today())
            changed = True
        sites[spec["code"]] = site
        counts["sites"] += changed
    db.session.flush()
    for code, label, order, needs_device, needs_family, site_code in CHANNELS:
        values = {"label": label, "sort_order": order, "requires_device": needs_device,
                  "requires_family_number": needs_family,
                  "required_site_id": sites[site_code].id if site_code else None}
        _row, changed = _upsert(Channel, code, values, overwrite)
        counts["channels"] += changed
    for spec in PROCEDURES:
        values = {k: v for k, v in spec.items() if k != "code"}
        values.setdefault("active_from", date(2016, 10, 1))
        _row, changed = _upsert(Procedure, spec["code"], values, overwrite)
        counts["procedures"] += changed
    db.session.flush()
    if any(counts.values()):
        record("reference.change", Actor.system(), object_type="reference", object_id="load",
               detail={"operation": "overwrite" if overwrite else "load", "counts": counts})
    return counts
