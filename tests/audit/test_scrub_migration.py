"""Migration 0010 scrubs the personal values that audit details written before it held."""

import json

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import base_config

OLD_DETAILS = [
    ("resident.merge", '{"merged_id": 7, "tickets": [3], "choices": {"email": "other"}, '
                       '"not_kept": [["email", "marie@exemple.fr", 7], ["birth_date", "1975-03-01", 4]]}'),
    ("audit.search", '{"resident": "Lefèvre", "agent": "bob", "page": 2}'),
    ("agent.update", '{"name": ["Alice Durand", "Alice Martin"], "role": ["manager", "admin"]}'),
    ("resident.view", '{}'),
]
EXPECTED = [
    {"merged_id": 7, "tickets": [3], "choices": {"email": "other"}, "not_kept": [["email", 7], ["birth_date", 4]]},
    {"filters": ["agent", "resident"], "page": 2},
    {"role": ["manager", "admin"], "fields": ["name", "role"]},
    {},
]


def test_upgrading_scrubs_values_from_audit_details_already_written(tmp_path):
    app = create_app(base_config("sqlite:///" + str(tmp_path / "old.sqlite3")))
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            for action, detail in OLD_DETAILS:
                conn.execute(text("INSERT INTO audit_entries (at, action, detail) VALUES "
                                  "('2026-11-30 10:00:00', :action, :detail)"), {"action": action, "detail": detail})
        upgrade()
        with db.engine.connect() as conn:
            details = [row[0] for row in conn.execute(text("SELECT detail FROM audit_entries ORDER BY id"))]
            # Entries stay immutable afterwards: the trigger is back.
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
        db.engine.dispose()
    assert [json.loads(d) for d in details] == EXPECTED
    assert "audit_entries_no_update" in triggers
    assert "marie@exemple.fr" not in "".join(details) and "Lefèvre" not in "".join(details)
