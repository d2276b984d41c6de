"""calls: `announced` (a call known only from an answer or hang-up that overtook its newCall), and no call
id holding a card number

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02

An answer or a hang-up that arrives before its newCall now creates the call (announced = false); the
newCall, when it comes, fills in its parties. Calls already stored were all announced.

`calls.call_id` is no longer exempt from the card-number guard: an id holding a card number is stored
as its keyed digest (app.telephony.callids, keyed with the application's SECRET_KEY, the key the
endpoint uses to match the call's later events). The ids already stored that hold one are replaced here
by that digest. This step reads the application's code (the detector and the digest): copying the
detector into a migration would freeze a rule another part of the code keeps up to date.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from app.cards.detector import might_contain_card_number
from app.telephony.callids import needs_digest, stored_call_id


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announced', sa.Boolean(), server_default=sa.true(), nullable=False))
    conn = op.get_bind()
    secret = current_app.config["SECRET_KEY"]
    calls = sa.table('calls', sa.column('id', sa.Integer), sa.column('call_id', sa.String))
    # A year of the 3975 is about a million calls: read in a stream, not loaded at once.
    rows = conn.execute(sa.select(calls.c.id, calls.c.call_id).execution_options(yield_per=5000))
    changes = [{"row_id": row_id, "new_id": stored_call_id(call_id, secret)} for row_id, call_id in rows
               if might_contain_card_number(call_id) and needs_digest(call_id)]
    if changes:
        conn.execute(calls.update().where(calls.c.id == sa.bindparam("row_id"))
                     .values(call_id=sa.bindparam("new_id")), changes)


def downgrade():
    # The digests stay: the card numbers they replaced are not kept anywhere.
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('announced')
