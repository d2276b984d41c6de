"""`flask reference load`: every shipped code, and idempotent."""

from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db

REQUIRED_PROCEDURES = {
    "critair", "passport", "id-card", "driving-licence", "vehicle-registration", "parking-residential",
    "facil-familles-enrolment", "facil-familles-payment", "civil-status-certificate", "dansmarue",
}


def _codes(model) -> set[str]:
    return set(db.session.execute(db.select(model.code)).scalars())


def test_load_on_empty_database_gives_every_code(runner):
    result = runner.invoke(args=["reference", "load"])
    assert result.exit_code == 0, result.output
    assert _codes(Channel) == {"counter", "phone_3975", "facil_familles", "email", "web", "mail"}
    sites = _codes(Site)
    assert {f"mairie-{n:02d}" for n in range(1, 21)} | {"plateforme-3975", "facil-familles"} == sites
    assert _codes(Device) == {"kiosk", "tablet", "dual_screen", "none"}
    assert REQUIRED_PROCEDURES <= _codes(Procedure)
    assert 28 <= len(_codes(Procedure)) <= 40


def test_second_load_changes_nothing(runner):
    runner.invoke(args=["reference", "load"])
    result = runner.invoke(args=["reference", "load"])
    assert "(0 modification(s)" in result.output


def test_shipped_values_follow_the_source(reference):
    critair = db.session.execute(db.select(Procedure).where(Procedure.code == "critair")).scalar_one()
    assert (critair.owner, critair.availability, critair.involves_payment) == ("state", "online", True)
    parking = db.session.execute(
        db.select(Procedure).where(Procedure.code == "parking-residential")).scalar_one()
    assert (parking.owner, parking.availability) == ("city", "not_online")
    mairie2 = db.session.execute(db.select(Site).where(Site.code == "mairie-02")).scalar_one()
    assert (mairie2.label, mairie2.postal_code, mairie2.arrondissement) == (
        "Mairie du 2e arrondissement", "75002", 2)
    assert {d.code for d in mairie2.devices} == {"kiosk", "tablet", "dual_screen", "none"}
    phone = db.session.execute(db.select(Channel).where(Channel.code == "phone_3975")).scalar_one()
    assert phone.required_site.code == "plateforme-3975"


def test_load_keeps_an_admins_later_edits(runner):
    runner.invoke(args=["reference", "load"])
    email = db.session.execute(db.select(Channel).where(Channel.code == "email")).scalar_one()
    mairie5 = db.session.execute(db.select(Site).where(Site.code == "mairie-05")).scalar_one()
    kiosk = db.session.execute(db.select(Device).where(Device.code == "kiosk")).scalar_one()
    mairie2 = db.session.execute(db.select(Site).where(Site.code == "mairie-02")).scalar_one()
    email.label, email.requires_device = "Courriel (boîte générique)", True
    mairie5.devices = [*mairie5.devices, kiosk]  # installed from today; removed from the 2nd today
    mairie2.devices = [d for d in mairie2.devices if d is not kiosk]
    db.session.commit()
    result = runner.invoke(args=["reference", "load"])
    assert "(0 modification(s)" in result.output
    db.session.expire_all()
    assert (email.label, email.requires_device) == ("Courriel (boîte générique)", True)
    assert "kiosk" in {d.code for d in mairie5.devices} and "kiosk" not in {d.code for d in mairie2.devices}


def test_load_overwrite_restores_shipped_values_but_not_the_active_flag(runner):
    runner.invoke(args=["reference", "load"])
    critair = db.session.execute(db.select(Procedure).where(Procedure.code == "critair")).scalar_one()
    critair.label, critair.active = "Crit'Air modifié", False
    db.session.commit()
    result = runner.invoke(args=["reference", "load", "--overwrite"])
    assert "procedures : 1" in result.output
    db.session.expire_all()
    assert (critair.label, critair.active) == ("Vignette Crit'Air (certificat qualité de l'air)", False)
    again = runner.invoke(args=["reference", "load", "--overwrite"])
    assert "(0 modification(s)" in again.output
