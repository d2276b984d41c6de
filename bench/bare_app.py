"""The product's WSGI application plus one bench-only route: the floor ticket logging is compared to.

    gunicorn -c deploy/gunicorn.conf.py bench.bare_app:app

`POST /bench/bare-insert` passes the same sign-in check and CSRF check as every page, then inserts
one ticket row with a single INSERT and commits: no form, no rules, no history, no audit. It exists
only in this module, never in `app/`. Its rows have references starting with `B`; the benchmark
deletes them afterwards.
"""

import secrets

from flask import abort
from flask_login import current_user

from app import create_app
from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import utcnow

app = create_app()


@app.post("/bench/bare-insert")
def bare_insert():
    """Insert one row, commit, answer 204."""
    if current_user.site_id is None:
        abort(403)
    now = utcnow()
    db.session.execute(Ticket.__table__.insert().values(
        reference="B" + secrets.token_hex(9), anonymous=True, channel_id=app.config["BENCH_CHANNEL_ID"],
        site_id=current_user.site_id, agent_id=current_user.id, opened_at=now, closed_at=now, status="closed",
        payment_assisted=False, protocol_confirmed=False, created_at=now, updated_at=now, version=1))
    db.session.commit()
    return "", 204


with app.app_context():
    from app.channels.models import Channel

    app.config["BENCH_CHANNEL_ID"] = db.session.execute(
        db.select(Channel.id).where(Channel.code == "phone_3975")).scalar_one()
    db.session.remove()
    db.engine.dispose()  # no connection may cross gunicorn's fork
