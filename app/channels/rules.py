"""Channel rules, checked whenever a ticket is saved by any route (form, import, job).

The rules are data on `Channel` (an admin changes them); this module reads them.
"""

from app.channels.models import Channel, Device, Site
from app.extensions import db

# The reference row that stands for "no device" (a ticket without one): not equipment a site can have.
NO_DEVICE = "none"


def check_channel_rules(channel: Channel, site: Site | None, device: Device | None,
                        family_number: str | None) -> list[tuple[str, str]]:
    """Return the broken rules as (field, French message); an empty list when the ticket complies."""
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
    if site is not None and device is not None and device.code != NO_DEVICE and device not in site.devices:
        problems.append(("device", f"Le dispositif « {device.label} » n'est pas installé sur le site "
                                   f"« {site.label} »."))
    return problems


def equipment_warning(channel: Channel, site: Site | None) -> str | None:
    """Why no ticket of `channel` can be saved at `site` (it needs a device and the site has none), or None."""
    if site is None or not channel.requires_device:
        return None
    if any(d.active and d.code != NO_DEVICE for d in site.devices):
        return None
    return (f"Le site « {site.label} » n'a aucun dispositif (borne, tablette, poste double écran), alors que le "
            f"canal « {channel.label} » en exige un : ajoutez-en un à ce site dans les référentiels.")
