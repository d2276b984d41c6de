"""Reference data: channels, sites, devices and the procedure catalogue."""

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

OWNERS = ("city", "state")
AVAILABILITIES = ("online", "not_online", "offline_only")
SITE_KINDS = ("town_hall", "phone_platform", "family_office")

site_devices = Table(
    "site_devices",
    db.metadata,
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("device_id", ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True),
)


class Site(db.Model):
    """A town hall, the 3975 platform or the Facil'Familles office."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="town_hall")
    arrondissement: Mapped[int | None] = mapped_column(Integer)
    postal_code: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    devices: Mapped[list["Device"]] = relationship(secondary=site_devices, order_by="Device.id")

    def __repr__(self) -> str:
        return f"<Site {self.code}>"


class Device(db.Model):
    """A facilitation device (kiosk, tablet, dual-screen station) or `none`."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Device {self.code}>"


class Channel(db.Model):
    """A way residents reach the City; its rules are data an admin can change."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Rules checked whenever a ticket is saved, by any route.
    requires_device: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_family_number: Mapped[bool] = mapped_column(Boolean, default=False)
    required_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))

    required_site: Mapped[Site | None] = relationship()

    def __repr__(self) -> str:
        return f"<Channel {self.code}>"


class Procedure(db.Model):
    """A catalogue entry (démarche): who owns it, whether it is online, whether it involves a payment."""

    __tablename__ = "procedures"
    __table_args__ = (
        CheckConstraint("owner IN ('city', 'state')", name="owner"),
        CheckConstraint("availability IN ('online', 'not_online', 'offline_only')", name="availability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(250))
    owner: Mapped[str] = mapped_column(String(10))
    domain: Mapped[str] = mapped_column(String(60))
    availability: Mapped[str] = mapped_column(String(20), default="online")
    involves_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    online_url: Mapped[str | None] = mapped_column(Text)
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Procedure {self.code}>"
