"""Channel rules, checked whenever a ticket is saved by any route (form, import, job).

The rules are data on `Channel` (an admin changes them); this module reads them.
"""

from datetime import datetime

from app.channels.models import Channel, Device, Site
from app.extensions import db
from app.timeutil import paris_day, paris_today


def _not_installed(device: Device, site: Site, day) -> str | None:
    """Why `device` cannot be named for a ticket of `day` at `site` (None when it was installed that day)."""
    if site.had_device(device, day):
        return None
    periods = site.installation_periods(device)
    if not periods:
        return f"Le dispositif « {device.label} » n'est pas installé sur le site « {site.label} »."
    spans = " ; ".join(f"installé le {p.installed_on:%d/%m/%Y}"
                       + (f", retiré le {p.removed_on:%d/%m/%Y}" if p.removed_on else "") for p in periods)
    return (f"Le dispositif « {device.label} » n'était pas installé sur le site « {site.label} » le "
            f"{day:%d/%m/%Y} ({spans}).")

# The reference row that stands for "no device" (a ticket without one): not equipment a site can have.
NO_DEVICE = "none"


def check_channel_rules(channel: Channel, site: Site | None, device: Device | None,
                        family_number: str | None, at: datetime | None = None) -> list[tuple[str, str]]:
    """Return the broken rules as (field, French message); an empty list when the ticket complies.

    The device must have been installed at the site on the Paris day of `at` (the ticket's opening;
    today when None): equipment comes and goes, history is checked against the equipment of its time.
    """
    problems: list[tuple[str, str]] = []
    if channel.requires_device and (device is None or device.code == NO_DEVICE):
        problems.append(("device", f"Le canal « {channel.label} » exige un dispositif (borne, tablette, "
                                   "poste double écran)."))
    if channel.requires_family_number and not (family_number or "").strip():
        problems.append(("family_number", f"Le canal « {channel.label} » exige le numéro de famille "
                                          "Facil'Familles."))
    if channel.required_site_id is not None and (site is None or site.id != channel.required_site_id):
        required = channel.required_site or db.session.get(Site, channel.required_site_id)
        problems.append(("site", f"Sur le canal « {channel.label} », le site doit être « {required.label} »."))
    if site is not None and device is not None and device.code != NO_DEVICE:
        reason = _not_installed(device, site, paris_day(at) if at is not None else paris_today())
        if reason:
            problems.append(("device", reason))
    return problems


def equipment_warning(channel: Channel, site: Site | None) -> str | None:
    """Why no ticket of `channel` can be saved at `site` (it needs a device and the site has none), or None."""
    if site is None or not channel.requires_device:
        return None
    if any(d.active and d.code != NO_DEVICE for d in site.devices):
        return None
    return (f"Le site « {site.label} » n'a aucun dispositif (borne, tablette, poste double écran), alors que le "
            f"canal « {channel.label} » en exige un : ajoutez-en un à ce site dans les référentiels.")
