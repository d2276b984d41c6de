"""Integration tokens: one per external system (a PBX, a bridge, a script), stored hashed, bound to sites.

Like an agent, a token serves a scope of sites (and optionally channels): it reads and writes nothing
outside them. `all_sites` is the explicit "every site" an administrator may grant; a token with neither
sites nor `all_sites` is refused everywhere (the state migration 0021 leaves older tokens in, but for the
phone system's tokens, bound to the 3975 platform).
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.channels.models import Channel, Site
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime


class IntegrationTokenSite(db.Model):
    """A site a token serves."""

    __tablename__ = "integration_token_sites"

    token_id: Mapped[int] = mapped_column(ForeignKey("integration_tokens.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)


class IntegrationTokenChannel(db.Model):
    """A channel a token is restricted to (no row: every channel of its sites)."""

    __tablename__ = "integration_token_channels"

    token_id: Mapped[int] = mapped_column(ForeignKey("integration_tokens.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)


class IntegrationToken(db.Model):
    """A bearer token with scopes. Only its SHA-256 is kept; revoked, never deleted (the audit names it)."""

    __tablename__ = "integration_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))  # first characters, to recognise a token in a list
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated scope codes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    all_sites: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    sites: Mapped[list[Site]] = relationship(secondary="integration_token_sites", order_by=Site.code)
    channels: Mapped[list[Channel]] = relationship(secondary="integration_token_channels",
                                                   order_by=Channel.sort_order)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<IntegrationToken {self.name} {self.scopes}>"
