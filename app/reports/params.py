"""Report parameters: a period of Paris days and optional filters on sites and channels (codes)."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

MAX_DAYS = 3 * 366 + 1


class ReportError(Exception):
    """A problem a person can fix (bad parameter) or understand (a report failed): French message."""


@dataclass(frozen=True)
class ReportParams:
    """What a report is computed over: Paris days `start`..`end`, sites and channels (empty: all)."""

    start: date
    end: date
    sites: tuple[str, ...] = field(default_factory=tuple)
    channels: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.start > self.end:
            raise ReportError("La date de début (--from) est postérieure à la date de fin (--to).")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise ReportError("La période ne peut dépasser trois ans.")
        object.__setattr__(self, "sites", tuple(sorted(set(self.sites))))
        object.__setattr__(self, "channels", tuple(sorted(set(self.channels))))

    def to_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "sites": list(self.sites),
                "channels": list(self.channels)}

    @classmethod
    def from_dict(cls, data: dict) -> "ReportParams":
        try:
            start, end = date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ReportError("Période invalide : dates attendues au format AAAA-MM-JJ.") from exc
        return cls(start, end, tuple(data.get("sites") or ()), tuple(data.get("channels") or ()))


def params_key(name: str, params: dict) -> str:
    """A stable hash of a report name and its parameters: the run's job id."""
    canonical = json.dumps({"name": name, "params": params}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
