"""facts follow the days dirtied by database triggers; runs record how fresh their facts were

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Every insert, update and delete of `tickets` records, in the same transaction and by a trigger
(so no write path can forget it), an instant of each Paris day it dirties in `fact_dirty_days`:
PostgreSQL with one statement-level trigger per operation (one row per Paris day of the
statement), SQLite with row-level triggers (it knows no time zones: the refresh turns each
instant into its Paris day). The refresh consumes those rows; `fact_ticket_days` and the
`updated_at` watermark it replaces are dropped. Every day holding tickets is marked dirty once,
so the first refresh after the upgrade recomputes what the watermark may have missed.
"""
import sqlalchemy as sa
from alembic import op

import app.types

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


PG_FUNCTION = """
CREATE FUNCTION fact_mark_dirty_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO fact_dirty_days (opened_at)
        SELECT min(opened_at) FROM new_rows
        GROUP BY CAST(timezone('Europe/Paris', opened_at) AS DATE);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO fact_dirty_days (opened_at)
        SELECT min(opened_at) FROM (SELECT opened_at FROM new_rows UNION ALL SELECT opened_at FROM old_rows) AS rows
        GROUP BY CAST(timezone('Europe/Paris', opened_at) AS DATE);
    ELSE
        INSERT INTO fact_dirty_days (opened_at)
        SELECT min(opened_at) FROM old_rows
        GROUP BY CAST(timezone('Europe/Paris', opened_at) AS DATE);
    END IF;
    RETURN NULL;
END;
$$
"""

PG_TRIGGERS = {
    'INSERT': 'REFERENCING NEW TABLE AS new_rows',
    'UPDATE': 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
    'DELETE': 'REFERENCING OLD TABLE AS old_rows',
}

SQLITE_TRIGGERS = {
    'INSERT': "INSERT INTO fact_dirty_days (opened_at) VALUES (NEW.opened_at);",
    'UPDATE': ("INSERT INTO fact_dirty_days (opened_at) VALUES (NEW.opened_at);\n"
               "    INSERT INTO fact_dirty_days (opened_at) SELECT OLD.opened_at WHERE OLD.opened_at != NEW.opened_at;"),
    'DELETE': "INSERT INTO fact_dirty_days (opened_at) VALUES (OLD.opened_at);",
}


def _create_triggers(postgres: bool) -> None:
    if postgres:
        op.execute(PG_FUNCTION)
        for event, referencing in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER tickets_fact_dirty_{event.lower()} AFTER {event} ON tickets {referencing} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION fact_mark_dirty_days()")
        return
    for event, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER tickets_fact_dirty_{event.lower()} AFTER {event} ON tickets "
                   f"FOR EACH ROW BEGIN\n    {body}\nEND")


def _mark_every_day_dirty(postgres: bool) -> None:
    if postgres:
        op.execute("INSERT INTO fact_dirty_days (opened_at) SELECT min(opened_at) FROM tickets "
                   "GROUP BY CAST(timezone('Europe/Paris', opened_at) AS DATE)")
        return
    # The tickets of one UTC date fall on at most two Paris days: those of its first and last instants.
    op.execute("INSERT INTO fact_dirty_days (opened_at) SELECT min(opened_at) FROM tickets GROUP BY date(opened_at) "
               "UNION SELECT max(opened_at) FROM tickets GROUP BY date(opened_at)")


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.create_table(
        'fact_dirty_days',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('opened_at', app.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_dirty_days')),
    )
    _create_triggers(postgres)
    _mark_every_day_dirty(postgres)
    with op.batch_alter_table('fact_ticket_days', schema=None) as batch_op:
        batch_op.drop_index('ix_fact_ticket_days_day')
    op.drop_table('fact_ticket_days')
    with op.batch_alter_table('fact_states', schema=None) as batch_op:
        batch_op.drop_column('watermark')
    with op.batch_alter_table('report_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts_at', app.types.UTCDateTime(), nullable=True))


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('report_runs', schema=None) as batch_op:
        batch_op.drop_column('facts_at')
    with op.batch_alter_table('fact_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('watermark', app.types.UTCDateTime(), nullable=True))
    op.create_table(
        'fact_ticket_days',
        sa.Column('ticket_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('seen_updated_at', app.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_fact_ticket_days')),
    )
    with op.batch_alter_table('fact_ticket_days', schema=None) as batch_op:
        batch_op.create_index('ix_fact_ticket_days_day', ['day'], unique=False)
    for event in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER tickets_fact_dirty_{event.lower()}" + (" ON tickets" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION fact_mark_dirty_days()")
    op.drop_table('fact_dirty_days')
