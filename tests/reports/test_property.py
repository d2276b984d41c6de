"""Every report figure computed from the facts equals the same figure computed directly from the tickets.

Tickets are generated around Paris midnights, including the two daylight-saving change days,
so a ticket counted on the wrong Paris day changes a figure.
"""

import math
from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.extensions import db
from app.reports.facts.models import HANDLING_BUCKETS, MEASURES, WEEKLY, handling_bucket
from app.reports.facts.refresh import refresh_facts
from app.reports.facts.weekly import monday
from app.reports.params import ReportParams
from app.reports.registry import as_json, compute_report
from app.tickets.models import DIGITAL_CHOICES, MODES, OUTCOMES
from app.timeutil import paris_day, paris_day_bounds
from tests.reports.factory import make_resident, make_ticket

DAYS = [date(2016, 10, 29), date(2016, 10, 30), date(2016, 10, 31), date(2017, 1, 9), date(2017, 3, 25),
        date(2017, 3, 26), date(2017, 3, 27)]
# Whole weeks come from the weekly rollups, the days of partial edge weeks from the daily facts:
# periods with a partial first week, partial weeks at both ends (DST Sundays inside them or in whole
# weeks), whole weeks only, and no whole week at all.
PERIODS = [(date(2016, 10, 1), date(2017, 4, 30)), (date(2016, 10, 30), date(2016, 10, 30)),
           (date(2017, 3, 26), date(2017, 3, 27)), (date(2016, 10, 29), date(2017, 1, 9)),
           (date(2016, 10, 24), date(2017, 3, 26)), (date(2016, 10, 25), date(2017, 3, 27)),
           (date(2016, 10, 31), date(2017, 3, 25))]

tickets_strategy = st.lists(st.fixed_dictionaries({
    "midnight": st.sampled_from(DAYS),
    "minutes": st.integers(-150, 150),
    "seconds": st.integers(0, 59),
    "site": st.sampled_from(["mairie-02", "mairie-04", "plateforme-3975"]),
    "channel": st.sampled_from(["counter", "phone_3975", "email"]),
    "device": st.sampled_from(["kiosk", None]),
    "procedure": st.sampled_from(["critair", "library-card", "parking-residential", None]),
    "outcome": st.sampled_from((*OUTCOMES, None)),
    "mode": st.sampled_from((*MODES, None)),
    "digital_choice": st.sampled_from((*DIGITAL_CHOICES, None)),
    "payment_assisted": st.booleans(),
    "protocol_confirmed": st.booleans(),
    "handling": st.one_of(st.none(), st.integers(0, 3 * 24 * 3600)),
    "resident": st.sampled_from([0, 1, 2, None]),
    "requested_procedure": st.sampled_from(["parking-residential", "critair", None]),
    "requested_text": st.sampled_from([None, "", "  Carte de stationnement ", "Permis de louer"]),
}), min_size=1, max_size=25)


def create(specs):
    residents = [make_resident(f"r{i}") for i in range(3)]
    for spec in specs:
        opened = paris_day_bounds(spec["midnight"])[0] + timedelta(minutes=spec["minutes"], seconds=spec["seconds"])
        make_ticket(opened, site=spec["site"], channel=spec["channel"], device=spec["device"],
                    procedure=spec["procedure"], resident=residents[spec["resident"]] if spec["resident"] is not None
                    else None, closed_at=opened + timedelta(seconds=spec["handling"]) if spec["handling"] is not None
                    else None, outcome=spec["outcome"], mode=spec["mode"], digital_choice=spec["digital_choice"],
                    payment_assisted=spec["payment_assisted"], protocol_confirmed=spec["protocol_confirmed"],
                    requested_procedure_id=_procedure_id(spec["requested_procedure"]),
                    requested_service_text=spec["requested_text"])
    db.session.flush()


def _procedure_id(code):
    if code is None:
        return None
    return db.session.execute(text("SELECT id FROM procedures WHERE code = :c"), {"c": code}).scalar()


def direct(sql: str, start: date, end: date, site: str | None):
    """Run `sql` over the tickets opened in the period (UTC bounds of its Paris days), optionally at one site."""
    lo, hi = paris_day_bounds(start)[0], paris_day_bounds(end)[1]
    where = "t.opened_at >= :lo AND t.opened_at < :hi" + (" AND s.code = :site" if site else "")
    sql = sql.replace("{where}", where)
    base = ("FROM tickets t JOIN sites s ON s.id = t.site_id JOIN channels c ON c.id = t.channel_id "
            "LEFT JOIN devices d ON d.id = t.device_id LEFT JOIN procedures p ON p.id = t.procedure_id "
            "LEFT JOIN procedures rp ON rp.id = t.requested_procedure_id ")
    from app.types import UTCDateTime

    bind = db.session.get_bind()
    params = {"lo": UTCDateTime().process_bind_param(lo, bind.dialect),
              "hi": UTCDateTime().process_bind_param(hi, bind.dialect), "site": site}
    return db.session.execute(text(sql.replace("{from}", base)), params).all()


def expected_quantile(seconds: list[int], q: float):
    if not seconds:
        return None
    ordered = sorted(handling_bucket(s) for s in seconds)
    bucket = ordered[max(1, math.ceil(q * len(ordered))) - 1]
    return float(HANDLING_BUCKETS[bucket]) if bucket < len(HANDLING_BUCKETS) else None


def check(start: date, end: date, site: str | None):
    params = ReportParams(start, end, (site,) if site else ())
    report = {name: as_json(compute_report(name, params)) for name in (
        "volume", "state-share", "channels", "procedures", "devices", "outcomes", "unmet-demand",
        "payment-assisted", "digital-choice", "repeat-contacts")}

    by_site = dict(direct("SELECT s.code, count(*) {from} WHERE {where} GROUP BY s.code", start, end, site))
    assert {r["site"]: r["tickets"] for r in report["volume"]["by_site"]} == by_site
    owners = direct("SELECT s.code, p.owner, count(*) {from} WHERE {where} GROUP BY s.code, p.owner", start, end, site)
    share = report["state-share"]
    assert share["total"] == sum(n for _s, _o, n in owners)
    assert share["state"] == sum(n for _s, o, n in owners if o == "state")
    assert share["city"] == sum(n for _s, o, n in owners if o == "city")
    assert {r["site"]: r["state"] for r in share["by_site"]} == \
        {s: sum(n for s2, o, n in owners if s2 == s and o == "state") for s in by_site}
    assert {r["channel"]: r["tickets"] for r in report["channels"]["by_channel"]} == \
        dict(direct("SELECT c.code, count(*) {from} WHERE {where} GROUP BY c.code", start, end, site))
    assert {r["device"]: r["tickets"] for r in report["devices"]["by_device"]} == \
        {k or "none": v for k, v in direct("SELECT d.code, count(*) {from} WHERE {where} GROUP BY d.code",
                                           start, end, site)}
    assert {r["code"]: r["tickets"] for r in report["procedures"]["top"]} == \
        {k or "none": v for k, v in direct("SELECT p.code, count(*) {from} WHERE {where} GROUP BY p.code",
                                           start, end, site)}
    rows = direct("SELECT t.outcome, t.opened_at, t.closed_at, t.digital_choice, t.payment_assisted, "
                  "t.protocol_confirmed, t.resident_id {from} WHERE {where}", start, end, site)
    outcomes = {r["outcome"]: (r["tickets"], r["closed"]) for r in report["outcomes"]["by_outcome"]}
    assert outcomes == {o or "none": (sum(1 for r in rows if r[0] == o), sum(1 for r in rows if r[0] == o and r[2]))
                        for o in {r[0] for r in rows}}
    seconds = [_seconds(r[1], r[2]) for r in rows if r[2] is not None]
    assert report["outcomes"]["median_minutes"] == expected_quantile(seconds, 0.5)
    assert report["outcomes"]["p90_minutes"] == expected_quantile(seconds, 0.9)
    unmet = direct("SELECT count(*) {from} WHERE {where} AND ((rp.id IS NOT NULL AND rp.availability <> 'online') "
                   "OR (rp.id IS NULL AND trim(coalesce(t.requested_service_text, '')) <> ''))", start, end, site)
    assert report["unmet-demand"]["total"] == unmet[0][0]
    paid = [r for r in rows if r[4]]
    assert report["payment-assisted"]["payment_assisted"] == len(paid)
    assert report["payment-assisted"]["protocol_confirmed"] == sum(1 for r in paid if r[5])
    answered = [r for r in rows if r[3] is not None]
    assert report["digital-choice"]["answered"] == len(answered)
    assert report["digital-choice"]["no_alternative"] == sum(1 for r in answered if r[3] == "no_alternative")
    assert report["repeat-contacts"]["contacts"] == sum(1 for r in rows if r[6] is not None)
    assert report["repeat-contacts"]["returned"] == _returns(rows)


def check_weekly_rollups():
    """Every weekly rollup row equals the sum of the daily facts of its week."""
    for daily, weekly in WEEKLY.items():
        measures = MEASURES[daily.name]
        dims = [c.name for c in weekly.columns if c.name != "week" and c.name not in measures]
        from_days: dict = {}
        for row in db.session.execute(db.select(daily)).mappings():
            key = (monday(_as_date(row["day"])), *(row[d] for d in dims))
            from_days[key] = tuple(a + b for a, b in zip(from_days.get(key, (0,) * len(measures)),
                                                          (row[m] for m in measures), strict=True))
        from_weeks = {(_as_date(row["week"]), *(row[d] for d in dims)): tuple(row[m] for m in measures)
                      for row in db.session.execute(db.select(weekly)).mappings()}
        assert from_weeks == dict(from_days), daily.name


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _aware(value):
    from app.timeutil import as_utc

    return as_utc(value) if not isinstance(value, str) else as_utc(__import__("datetime").datetime.fromisoformat(value))


def _seconds(opened, closed) -> int:
    opened, closed = _aware(opened).replace(microsecond=0), _aware(closed).replace(microsecond=0)
    return max(0, int((closed - opened).total_seconds()))


def _returns(rows) -> int:
    """Contacts whose resident has a ticket (anywhere, any time) on one of the next 7 Paris days."""
    days = Counter()
    all_days = {(rid, paris_day(_aware(o))) for rid, o in db.session.execute(
        text("SELECT resident_id, opened_at FROM tickets WHERE resident_id IS NOT NULL")).all()}
    for r in rows:
        if r[6] is None:
            continue
        day = paris_day(_aware(r[1]))
        days[any((r[6], day + timedelta(days=k)) in all_days for k in range(1, 8))] += 1
    return days[True]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=tickets_strategy, period=st.sampled_from(PERIODS), site=st.sampled_from([None, "mairie-04"]))
def test_reports_from_facts_equal_direct_counts_over_tickets(app, reference, specs, period, site):
    nested = db.session.begin_nested()
    try:
        create(specs)
        refresh_facts()
        check_weekly_rollups()
        check(*period, site)
    finally:
        nested.rollback()
