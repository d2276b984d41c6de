"""Residents (usagers) and the history of their changes."""

from datetime import date, datetime

from sqlalchemy import ARRAY, JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime

ACCESSIBILITY_NEEDS = ("mobility", "sight", "hearing", "language", "digital")


class Resident(db.Model):
    """A resident's account. A merged record stays as a pointer to its survivor."""

    __tablename__ = "residents"
    __table_args__ = (
        Index("ix_residents_phone", "phone"),
        Index("ix_residents_phone_alt", "phone_alt"),
        Index("ix_residents_email", "email"),
        Index("ix_residents_family_number", "family_number"),
        # Exact and prefix search on the normalised name: text_pattern_ops makes LIKE 'abc%' use the
        # btree on PostgreSQL whatever the collation (a plain index elsewhere).
        # (id breaks ties, so "martin" reads its first 20 rows in index order without sorting.)
        Index("ix_residents_search_name", "search_name", "id", postgresql_ops={"search_name": "text_pattern_ops"}),
        # Typo-tolerant search: a trigram GIN index on PostgreSQL (pg_trgm); a plain index on SQLite.
        Index("ix_residents_search_name_trgm", "search_name", postgresql_using="gin",
              postgresql_ops={"search_name": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    civility: Mapped[str | None] = mapped_column(String(10))
    first_name: Mapped[str] = mapped_column(String(120), default="")
    last_name: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, e.g. +33612345678
    phone_alt: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    arrondissement: Mapped[int | None] = mapped_column(Integer)
    account_ref: Mapped[str | None] = mapped_column(String(40), unique=True)
    family_number: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(10), default="fr")
    needs: Mapped[list] = mapped_column(JSON, default=list)  # subset of ACCESSIBILITY_NEEDS
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # "lefevre muller marie": lower case, no accents, for search.
    search_name: Mapped[str] = mapped_column(String(260), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    merged_into: Mapped["Resident | None"] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def __repr__(self) -> str:
        return f"<Resident {self.id}>"


class ResidentChange(db.Model):
    """One change to a resident's record: who, when, which fields from what to what."""

    __tablename__ = "resident_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(30))  # created, updated, merged, anonymised
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {field: [old, new]}
    note: Mapped[str | None] = mapped_column(Text)


class ResidentNameWord(db.Model):
    """A distinct word of the residents' normalised names, for correcting a typed word (PostgreSQL search).

    `variants` is the word and its one-letter deletions: a typed word whose own deletions meet them is one
    letter away (dropped, added, replaced, or two swapped). Filled by the migration and kept in step by
    PostgreSQL triggers on `residents` (insert, rename), so every writer is covered; a word nobody bears
    any more is harmless. `residents` is a ranking hint (how many bore the word when last counted).
    SQLite does not use the table: its search derives the words from the residents.
    """

    __tablename__ = "resident_name_words"
    # fastupdate off (migration 0016): a bulk refill must not leave the words in GIN's pending list.
    __table_args__ = (Index("ix_resident_name_words_variants", "variants", postgresql_using="gin",
                            postgresql_with={"fastupdate": "off"}),)

    word: Mapped[str] = mapped_column(String(260), primary_key=True)
    residents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    variants: Mapped[list] = mapped_column(ARRAY(Text).with_variant(JSON, "sqlite"), default=list)
