"""The training reports: coverage per site and module, share of tickets by trained agents, flagged tickets,
trainings about to expire. They read training and tickets through those domains' queries."""

import pandas as pd

from app.channels.models import Procedure, Site
from app.reports import training_builders
from app.reports.facts.models import fact_activity
from app.reports.params import ReportParams
from app.reports.queries import labels, resolve_filters, sum_facts
from app.tickets.queries import untrained_tickets
from app.timeutil import paris_day, to_paris, utcnow
from app.training.queries import coverage_counts, expiring_trainings, module_labels, required_module_ids

EXPIRING_WINDOW = 90


def _as_of(params: ReportParams):
    """The day a coverage is taken on: the period's last day, or today when the period runs on."""
    return min(params.end, paris_day(utcnow()))


def _flagged(params: ReportParams) -> pd.DataFrame:
    site_ids, channel_ids = resolve_filters(params)
    sites, procedures = labels(Site), labels(Procedure)
    rows = untrained_tickets(params.start, params.end, site_ids, channel_ids)
    return pd.DataFrame({
        "day": [to_paris(opened).date() for opened, _s, _p in rows],
        "site": [sites[s][0] for _o, s, _p in rows],
        "procedure": [procedures[p][1] if p in procedures else "Sans démarche" for _o, _s, p in rows],
        "tickets": [1] * len(rows)}, columns=["day", "site", "procedure", "tickets"])


def training_coverage(params: ReportParams) -> dict:
    site_ids, _channels = resolve_filters(params)
    agents, trained = coverage_counts(_as_of(params), site_ids or None)
    sites, modules, required = labels(Site), module_labels(), required_module_ids()
    agents_frame = pd.DataFrame({"site": [sites[s][0] for s, _n in agents], "agents": [n for _s, n in agents]},
                                columns=["site", "agents"]).astype({"agents": "int64"})
    counted = {(s, m): n for s, m, n in trained}
    rows = [(sites[s][0], modules[m][0], modules[m][1], m in required, counted.get((s, m), 0))
            for s, _n in agents for m in modules]
    trained_frame = pd.DataFrame(rows, columns=["site", "module", "title", "required", "trained"]) \
        .astype({"trained": "int64", "required": bool})
    flagged = _flagged(params).groupby("site", as_index=False)["tickets"].sum()
    return training_builders.build_coverage(agents_frame, trained_frame, flagged)


def trained_share(params: ReportParams) -> dict:
    sites = labels(Site)
    daily = sum_facts(fact_activity, ["day", "site_id"], ["tickets"], params)
    daily = daily.assign(site=daily["site_id"].map(lambda s: sites[s][0])).drop(columns=["site_id"])
    return training_builders.build_trained_share(daily, _flagged(params), params.start, params.end)


def untrained(params: ReportParams) -> dict:
    return training_builders.build_untrained(_flagged(params))


def training_expiring(params: ReportParams) -> dict:
    site_ids, _channels = resolve_filters(params)
    day = _as_of(params)
    rows = expiring_trainings(day, EXPIRING_WINDOW, site_ids=site_ids or None, include_expired=False)
    table = pd.DataFrame([{"agent": r["agent"], "site": r["site"], "module": r["module"], "title": r["title"],
                           "expires_on": r["expires_on"].isoformat()} for r in rows],
                         columns=["agent", "site", "module", "title", "expires_on"])
    return {"summary": {"expiring": len(table)}, "tables": {"trainings": table}}
