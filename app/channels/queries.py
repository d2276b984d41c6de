"""Read-side queries of the reference data: pickers for the other domains, lists for the admin screens.

Pickers (`list_active_*`) show what may be chosen today; a deactivated entry disappears from them but
stays readable (by id, by code) so that past tickets still show and count. `include_id` keeps the value
already chosen on a record being edited in its picker, even when that entry has since been deactivated.
"""

from datetime import date

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from app.channels.models import Channel, Device, Procedure, Site
from app.collation import french_key, sorted_french
from app.extensions import db
from app.timeutil import paris_day, utcnow


def _active_or_included(model, include_id: int | None):
    if include_id is None:
        return model.active.is_(True)
    return or_(model.active.is_(True), model.id == include_id)


def _site_order(site: Site) -> tuple:
    # Town halls by arrondissement, then the platforms by label.
    return site.arrondissement is None, site.arrondissement or 0, french_key(site.label)


def get_by_id(model, row_id: int | None):
    """The row of `model` (Channel, Site, Device, Procedure) with this id, active or not; None if unknown or none."""
    return db.session.get(model, row_id) if row_id else None


def get_by_code(model, code: str):
    """The row of `model` (Channel, Site, Device, Procedure) with this code, active or not; None if unknown."""
    return db.session.execute(db.select(model).where(model.code == code)).scalar_one_or_none()


def list_active_channels(include_id: int | None = None) -> list[Channel]:
    """Channels offered in pickers, in their display order."""
    query = db.select(Channel).where(_active_or_included(Channel, include_id))
    return sorted(db.session.execute(query).scalars(), key=lambda c: (c.sort_order, french_key(c.label)))


def list_active_sites(include_id: int | None = None) -> list[Site]:
    """Sites offered in pickers: town halls by arrondissement, then the platforms."""
    query = db.select(Site).where(_active_or_included(Site, include_id))
    return sorted(db.session.execute(query).scalars(), key=_site_order)


def list_active_devices(site: Site | None = None, include_id: int | None = None) -> list[Device]:
    """Active devices; with `site`, only the active devices that site has."""
    query = db.select(Device).where(_active_or_included(Device, include_id))
    if site is not None:
        installed = [d.id for d in site.devices]
        if include_id is not None:
            installed.append(include_id)
        query = query.where(Device.id.in_(installed))
    return list(db.session.execute(query.order_by(Device.id)).scalars())


def procedure_is_current(on_date: date):
    """SQL condition: the procedure is active and `on_date` is within its active_from/active_to dates."""
    return (
        Procedure.active.is_(True)
        & (Procedure.active_from.is_(None) | (Procedure.active_from <= on_date))
        & (Procedure.active_to.is_(None) | (Procedure.active_to >= on_date))
    )


def list_active_procedures(on_date: date | None = None, include_id: int | None = None) -> list[Procedure]:
    """Procedures offered in pickers on `on_date` (default: today in Paris), by label.

    A procedure is offered when its active flag is set and the date is within active_from/active_to.
    """
    on_date = on_date or paris_day(utcnow())
    condition = procedure_is_current(on_date)
    if include_id is not None:
        condition = condition | (Procedure.id == include_id)
    query = db.select(Procedure).where(condition)
    return sorted_french(db.session.execute(query).scalars(), key=lambda p: p.label)


# Admin lists: every row, active or not.

def list_channels() -> list[Channel]:
    """Every channel, active first, in display order."""
    query = db.select(Channel).options(selectinload(Channel.required_site))
    return sorted(db.session.execute(query).scalars(),
                  key=lambda c: (not c.active, c.sort_order, french_key(c.label)))


def list_sites() -> list[Site]:
    """Every site, active first."""
    query = db.select(Site).options(selectinload(Site.installations))
    return sorted(db.session.execute(query).scalars(), key=lambda s: (not s.active, *_site_order(s)))


def list_devices() -> list[Device]:
    """Every device, active first."""
    return list(db.session.execute(db.select(Device).order_by(Device.active.desc(), Device.id)).scalars())


def list_procedures(search: str | None = None, status: str | None = None, owner: str | None = None,
                    availability: str | None = None) -> list[Procedure]:
    """The catalogue for the admin list, filtered.

    `search` matches code, label or domain (case-insensitive); `status` is `active`, `inactive` or None
    (all); `owner` and `availability` filter on their codes.
    """
    query = db.select(Procedure)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Procedure.code).like(pattern), func.lower(Procedure.label).like(pattern),
                                func.lower(Procedure.domain).like(pattern)))
    if status == "active":
        query = query.where(Procedure.active.is_(True))
    elif status == "inactive":
        query = query.where(Procedure.active.is_(False))
    if owner:
        query = query.where(Procedure.owner == owner)
    if availability:
        query = query.where(Procedure.availability == availability)
    return sorted(db.session.execute(query).scalars(), key=lambda p: (not p.active, french_key(p.label)))


def list_all_procedures_by_code() -> list[Procedure]:
    """Every procedure, active or not, by code (the export order)."""
    return list(db.session.execute(db.select(Procedure).order_by(Procedure.code)).scalars())


def list_procedure_domains() -> list[str]:
    """The domains in use, for suggestions when typing one."""
    query = db.select(Procedure.domain).distinct()
    return sorted_french(d for d in db.session.execute(query).scalars() if d)


def channels_requiring_site(site: Site) -> list[Channel]:
    """Active channels whose rule names this site as the required one."""
    query = db.select(Channel).where(Channel.required_site_id == site.id, Channel.active.is_(True))
    return list(db.session.execute(query.order_by(Channel.sort_order)).scalars())


def reference_counts() -> dict[str, tuple[int, int]]:
    """(active, total) per kind of reference data, for the admin overview."""
    counts = {}
    for name, model in (("channels", Channel), ("sites", Site), ("devices", Device), ("procedures", Procedure)):
        row = db.session.execute(
            db.select(func.count(model.id), func.count(model.id).filter(model.active.is_(True)))
        ).one()
        counts[name] = (row[1], row[0])
    return counts
