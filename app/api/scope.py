"""What an integration token may reach: its sites and channels, as an agent's role and site bound theirs.

- `all_sites`: every site (granted explicitly by an administrator); otherwise the sites listed.
- channels: none listed means every channel of its sites; listed, only those.
- calls (the caller log, CTI events) belong to the 3975 platform: a token reaches them when it serves a
  site of kind `phone_platform` (or all sites) and, when its channels are restricted, the 3975 channel.
- A token with no site and without `all_sites` reaches nothing: every route refuses it (403).
"""

from dataclasses import dataclass

from sqlalchemy import and_, false, true

from app.api.models import IntegrationToken
from app.auth.access import ROLE_CHANNEL

PHONE_CHANNEL = ROLE_CHANNEL["operator_3975"]  # the 3975's channel, on which its calls are logged
PHONE_PLATFORM_KIND = "phone_platform"


@dataclass(frozen=True)
class TokenScope:
    """A token's reach, as plain ids and codes (None: no restriction)."""

    site_ids: frozenset[int] | None
    site_codes: tuple[str, ...] | None
    channel_ids: frozenset[int] | None
    channel_codes: tuple[str, ...] | None
    calls: bool

    @property
    def empty(self) -> bool:
        """No site at all: the token reaches nothing."""
        return self.site_ids is not None and not self.site_ids

    def covers(self, site_id: int | None, channel_id: int | None) -> bool:
        """Whether a ticket of this site and channel is within reach."""
        if self.site_ids is not None and site_id not in self.site_ids:
            return False
        return self.channel_ids is None or channel_id in self.channel_ids

    def ticket_clause(self, ticket_model):
        """A WHERE clause restricting a ticket query to the token's reach."""
        if self.empty:
            return false()
        clauses = []
        if self.site_ids is not None:
            clauses.append(ticket_model.site_id.in_(sorted(self.site_ids)))
        if self.channel_ids is not None:
            clauses.append(ticket_model.channel_id.in_(sorted(self.channel_ids)))
        return and_(*clauses) if clauses else true()

    def outside_sites(self, codes) -> list[str]:
        """The site codes among `codes` the token does not serve."""
        return [] if self.site_codes is None else [code for code in codes if code not in self.site_codes]

    def outside_channels(self, codes) -> list[str]:
        """The channel codes among `codes` the token is not allowed."""
        return [] if self.channel_codes is None else [code for code in codes if code not in self.channel_codes]


def token_scope(token: IntegrationToken) -> TokenScope:
    """The reach of `token` (reads its sites and channels once)."""
    sites, channels = list(token.sites), list(token.channels)
    phone_site = token.all_sites or any(site.kind == PHONE_PLATFORM_KIND for site in sites)
    phone_channel = not channels or any(channel.code == PHONE_CHANNEL for channel in channels)
    return TokenScope(
        site_ids=None if token.all_sites else frozenset(site.id for site in sites),
        site_codes=None if token.all_sites else tuple(site.code for site in sites),
        channel_ids=frozenset(channel.id for channel in channels) if channels else None,
        channel_codes=tuple(channel.code for channel in channels) if channels else None,
        calls=phone_site and phone_channel,
    )


def describe_scope(token: IntegrationToken) -> str:
    """The token's reach in French, for the admin page and the CLI."""
    if token.all_sites:
        sites = "tous les sites"
    elif token.sites:
        sites = ", ".join(site.code for site in token.sites)
    else:
        sites = "aucun site (jeton refusé partout)"
    channels = ", ".join(channel.code for channel in token.channels) if token.channels else "tous les canaux"
    return f"{sites} ; {channels}"
