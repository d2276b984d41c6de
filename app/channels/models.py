"""Reference data: channels, sites, devices and the procedure catalogue."""

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import paris_today

OWNERS = ("city", "state")
AVAILABILITIES = ("online", "not_online", "offline_only")
SITE_KINDS = ("town_hall", "phone_platform", "family_office")

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

    installations: Mapped[list["DeviceInstallation"]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="DeviceInstallation.id")

    def __repr__(self) -> str:
        return f"<Site {self.code}>"

    @property
    def devices(self) -> list["Device"]:
        """The devices installed here now (not removed), by id."""
        return sorted((i.device for i in self.installations if i.removed_on is None), key=lambda d: d.id or 0)

    @devices.setter
    def devices(self, devices) -> None:
        self.set_devices(devices, on=paris_today())

    def set_devices(self, devices, on: date) -> None:
        """From the day `on`, the site has exactly `devices`: others are removed that day, new ones installed."""
        wanted = {id(d): d for d in devices}
        for installation in self.installations:
            if installation.removed_on is None and id(installation.device) not in wanted:
                installation.removed_on = on
        current = {id(i.device) for i in self.installations if i.removed_on is None}
        for key, device in wanted.items():
            if key not in current:
                self.installations.append(DeviceInstallation(device=device, installed_on=on))

    def had_device(self, device: "Device", day: date) -> bool:
        """Whether `device` was installed here on `day` (installed that day or before, not yet removed)."""
        return any(i.covers(day) for i in self.installations if i.device is device or i.device_id == device.id)

    def installation_periods(self, device: "Device") -> list["DeviceInstallation"]:
        """Every period `device` was (or is) installed here."""
        return [i for i in self.installations if i.device is device or i.device_id == device.id]


class Device(db.Model):
    """A facilitation device (kiosk, tablet, dual-screen station) or `none`."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Device {self.code}>"


class DeviceInstallation(db.Model):
    """A device at a site from `installed_on` until the day before `removed_on` (still there when None)."""

    __tablename__ = "device_installations"
    __table_args__ = (
        CheckConstraint("removed_on IS NULL OR removed_on >= installed_on", name="removed_after_installed"),
        Index("ix_device_installations_site_device", "site_id", "device_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    installed_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)

    site: Mapped[Site] = relationship(back_populates="installations")
    device: Mapped[Device] = relationship(lazy="joined")

    def covers(self, day: date) -> bool:
        """True when the device was in place on `day`."""
        return self.installed_on <= day and (self.removed_on is None or day < self.removed_on)


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
