"""Who did an audited action, and from where: plain data, given to `record` by whoever writes the entry.

In a request the web layer builds it (`app/auth/current.py: request_actor`); a command or a job passes
`Actor.system(...)`. Nothing here reads a request or the signed-in agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotation only: an actor is data, it loads no model
    from app.auth.models import Agent


@dataclass(frozen=True)
class Actor:
    """`agent`: the agent acting, if any. `address`: the client's address (None outside a request).
    `login`: the name kept when there is no agent (the identifier typed at a failed sign-in, an
    integration token's name, "cli")."""

    agent: Agent | None = None
    address: str | None = None
    login: str | None = None

    @classmethod
    def system(cls, login: str | None = None) -> Actor:
        """A command or a job: no agent, no address; `login` names it when the entry should ("cli")."""
        return cls(login=login)
