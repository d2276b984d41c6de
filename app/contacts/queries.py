"""Residents as the other modules read them: `FoundResident` rows, live records behind merge pointers, a
resident's tickets and history. The search box itself is `app/contacts/search.py`."""


from sqlalchemy import bindparam, case, func

from app.contacts.models import Resident, ResidentChange
from app.extensions import db
from app.tickets.labels import OPEN_STATUSES
from app.tickets.models import Ticket

FOUND_COLUMNS = ("id", "last_name", "first_name", "birth_date", "phone", "email", "postal_code", "account_ref",
                 "family_number")


class FoundResident:
    """A resident as a search lists them: the shown columns, read as a row (no ORM entity, no session).

    Two found residents are equal when they are the same record (same id). `record()` for the rest.
    """

    __slots__ = FOUND_COLUMNS

    def __init__(self, id, last_name, first_name, birth_date, phone, email, postal_code, account_ref,
                 family_number):
        self.id = id
        self.last_name = last_name
        self.first_name = first_name
        self.birth_date = birth_date
        self.phone = phone
        self.email = email
        self.postal_code = postal_code
        self.account_ref = account_ref
        self.family_number = family_number

    @classmethod
    def of(cls, resident: Resident) -> "FoundResident":
        return cls(*(getattr(resident, name) for name in FOUND_COLUMNS))

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def record(self) -> Resident | None:
        """The resident's ORM record (from the session, or one query)."""
        return db.session.get(Resident, self.id)

    def __eq__(self, other):
        return self.id == other.id if isinstance(other, FoundResident) else NotImplemented

    def __hash__(self):
        return hash((FoundResident, self.id))

    def __repr__(self) -> str:
        return f"<FoundResident {self.id}>"


SHOWN_COLUMNS = tuple(getattr(Resident, name) for name in FOUND_COLUMNS)
SHOWN_COUNT = len(FOUND_COLUMNS)


def found_row(row) -> FoundResident:
    return FoundResident(*row[:SHOWN_COUNT])


class SearchQueryError(ValueError):
    """The searched text cannot be searched (too short); `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def live_clause():
    """Residents that are neither merged into another nor anonymised."""
    return Resident.merged_into_id.is_(None) & Resident.anonymised_at.is_(None)


def get_resident(resident_id: int | None) -> Resident | None:
    """The resident record with this id as it is (merged or anonymised ones too); None when unknown."""
    return db.session.get(Resident, resident_id) if resident_id is not None else None


def get_live_resident(resident_id: int) -> Resident | None:
    """The resident with this id, following merge pointers to the survivor; None when unknown."""
    resident = db.session.get(Resident, resident_id)
    seen = set()
    while resident is not None and resident.merged_into_id is not None and resident.id not in seen:
        seen.add(resident.id)
        resident = db.session.get(Resident, resident.merged_into_id)
    return resident


_LIVE_ROW = (db.select(*SHOWN_COLUMNS, Resident.merged_into_id, Resident.anonymised_at)
             .where(Resident.id == bindparam("resident_id")))


def found_live_resident(resident_id: int) -> FoundResident | None:
    """`get_live_resident` as a row (what a form shows of the resident); None when unknown or anonymised."""
    row = prebuilt_rows(_LIVE_ROW, {"resident_id": resident_id})
    if not row:
        return None
    if row[0].merged_into_id is None:
        return None if row[0].anonymised_at is not None else found_row(row[0])
    live = get_live_resident(resident_id)
    return FoundResident.of(live) if live is not None and live.anonymised_at is None else None


def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def prebuilt_rows(statement, parameters: dict) -> list:
    """The rows of a prebuilt Core statement, on the session's connection (pending changes flushed first,
    as `session.execute` would, without its ORM layer)."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, parameters).all()


def resident_tickets(resident_id: int) -> list:
    """Every ticket of the resident, all channels: open ones first, then newest first."""
    is_open = case((Ticket.status.in_(OPEN_STATUSES), 0), else_=1)
    stmt = (db.select(Ticket).where(Ticket.resident_id == resident_id)
            .order_by(is_open, Ticket.opened_at.desc(), Ticket.id.desc()))
    return list(db.session.execute(stmt).scalars())


def latest_change_id(resident_id: int) -> int:
    """The id of the resident's latest history entry (0 when none): what an edit form has seen."""
    stmt = db.select(func.max(ResidentChange.id)).where(ResidentChange.resident_id == resident_id)
    return db.session.execute(stmt).scalar() or 0


def resident_history(resident_id: int, after_id: int = 0) -> list:
    """The resident's change history, newest first (only entries after `after_id` when given)."""
    stmt = (db.select(ResidentChange).where(ResidentChange.resident_id == resident_id, ResidentChange.id > after_id)
            .order_by(ResidentChange.id.desc()))
    return list(db.session.execute(stmt).scalars())


def records_merged_into(resident_id: int) -> list[Resident]:
    """Records merged into this one, directly or through a chain: they hold the same person's identity."""
    found, frontier = [], [resident_id]
    while frontier:
        rows = list(db.session.execute(db.select(Resident).where(Resident.merged_into_id.in_(frontier))).scalars())
        found += rows
        frontier = [row.id for row in rows]
    return found
