"""The reports: each a named function from parameters (period, sites, channels) to tables.

Each function sums the facts in SQL (`queries`), names the codes, and shapes with `builders`.
It returns {"summary": {...}, "tables": {name: DataFrame}}; `as_json` flattens that for the CLI.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from app.reports import builders
from app.reports.facts.models import fact_activity, fact_outcomes, fact_procedures, fact_returns, fact_unmet
from app.reports.params import ReportParams
from app.reports.queries import (
    REFERENCE_MODELS,
    handling_histogram,
    labels,
    procedure_catalogue,
    sum_facts,
    sum_procedures_by_owner,
)
from app.reports.training import trained_share, training_coverage, training_expiring, untrained
from app.telephony.builders import build_calls
from app.telephony.queries import answered_waits, calls_per_hour
from app.timeutil import paris_day_bounds

NONE = "none"


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    compute: Callable[[ReportParams], dict]


def _name(frame: pd.DataFrame, kind: str, with_label: bool = False) -> pd.DataFrame:
    """Replace `<kind>_id` by the reference code (and label); missing → "none"."""
    names = labels(REFERENCE_MODELS[kind])
    ids = frame[f"{kind}_id"]
    frame = frame.drop(columns=[f"{kind}_id"])
    frame[kind] = ids.map({i: code for i, (code, _label) in names.items()}).fillna(NONE).astype(object)
    if with_label:
        frame["label"] = ids.map({i: label for i, (_code, label) in names.items()}).fillna("Non renseigné") \
            .astype(object)
    return frame


def _fill(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), NONE)
    return frame


def volume(params: ReportParams) -> dict:
    daily = _name(sum_facts(fact_activity, ["day", "site_id"], ["tickets"], params), "site", with_label=True)
    return builders.build_volume(daily, params.start, params.end)


def state_share(params: ReportParams) -> dict:
    parts = sum_procedures_by_owner(["day", "site_id", "channel_id"], params)
    return builders.build_state_share(parts["day"], _name(parts["site_id"], "site"),
                                      _name(parts["channel_id"], "channel"), params.start, params.end)


def channels(params: ReportParams) -> dict:
    frame = _name(sum_facts(fact_activity, ["day", "channel_id"], ["tickets", "closed", "handling_seconds"], params),
                  "channel", with_label=True)
    table = builders.build_breakdown(frame.drop(columns=["day"]), "channel", "label")
    by_week = builders.weekly_by(frame, "channel", "tickets", params.start, params.end)
    return {"summary": {"total": int(table["tickets"].sum()) if len(table) else 0},
            "tables": {"by_channel": table, "by_week": by_week}}


def procedures(params: ReportParams, top: int = 20) -> dict:
    frame = sum_facts(fact_procedures, ["procedure_id"], ["tickets"], params)
    catalogue = procedure_catalogue().set_index("procedure_id")
    ids = frame["procedure_id"]
    frame = frame.drop(columns=["procedure_id"]).assign(
        code=ids.map(catalogue["code"]).fillna(NONE).astype(object),
        label=ids.map(catalogue["label"]).fillna("Sans démarche").astype(object),
        owner=ids.map(catalogue["owner"]).fillna(NONE).astype(object))
    table = builders.build_breakdown(frame.drop(columns=["owner"]), "code", "label")
    owners = frame.drop_duplicates("code").set_index("code")["owner"]
    table.insert(2, "owner", table["code"].map(owners).fillna(NONE).astype(object))
    return {"summary": {"total": int(table["tickets"].sum()) if len(table) else 0, "procedures": len(table)},
            "tables": {"top": table.head(top).reset_index(drop=True)}}


def devices(params: ReportParams) -> dict:
    frame = sum_facts(fact_activity, ["site_id", "device_id"], ["tickets", "closed", "handling_seconds"], params)
    frame = _name(_name(frame, "site"), "device", with_label=True)
    frame["label"] = frame["label"].where(frame["device"] != NONE, "Sans dispositif")
    table = builders.build_breakdown(frame.drop(columns=["site"]), "device", "label")
    by_site = (frame.pivot_table(index="site", columns="device", values="tickets", aggfunc="sum", fill_value=0)
               .reset_index() if len(frame) else pd.DataFrame(columns=["site"]))
    by_site.columns = [str(c) for c in by_site.columns]
    return {"summary": {"total": int(table["tickets"].sum()) if len(table) else 0},
            "tables": {"by_device": table, "by_site": by_site}}


def outcomes(params: ReportParams) -> dict:
    frame = _fill(sum_facts(fact_outcomes, ["outcome", "mode"], ["tickets", "closed", "handling_seconds"], params),
                  "outcome", "mode")
    histogram = _fill(handling_histogram(["outcome"], params), "outcome")
    return builders.build_outcomes(frame, histogram)


def unmet_demand(params: ReportParams) -> dict:
    frame = sum_facts(fact_unmet, ["day", "site_id", "requested_procedure_id", "requested_text"], ["tickets"], params)
    catalogue = procedure_catalogue().set_index("procedure_id")
    ids = frame["requested_procedure_id"]
    known_label = ids.map(catalogue["label"])
    online = ids.map(catalogue["availability"]).eq("online")  # asked for a service that is online: not unmet
    typed = frame["requested_text"].astype(str).str.strip()
    frame = frame.assign(service=known_label.where(known_label.notna(), typed).astype(object))[~online]
    frame = _name(frame.drop(columns=["requested_procedure_id", "requested_text"]), "site")
    return builders.build_unmet(frame, params.start, params.end)


def payment_assisted(params: ReportParams) -> dict:
    frame = sum_facts(fact_procedures, ["site_id", "procedure_id"],
                      ["tickets", "payment_assisted", "protocol_confirmed"], params)
    frame = _name(_name(frame, "site"), "procedure", with_label=True).rename(columns={"procedure": "code"})
    frame = frame.rename(columns={"label": "procedure"})
    return builders.build_payment(frame)


def digital_choice(params: ReportParams) -> dict:
    frame = _fill(sum_facts(fact_outcomes, ["site_id", "digital_choice"], ["tickets"], params), "digital_choice")
    return builders.build_digital_choice(_name(frame, "site"))


def repeat_contacts(params: ReportParams) -> dict:
    frame = _name(sum_facts(fact_returns, ["day", "site_id"], ["contacts", "returned"], params), "site")
    return builders.build_repeat(frame, params.start, params.end)


def calls(params: ReportParams) -> dict:
    """The 3975's calls (telephony domain): all on the platform's site and the phone channel."""
    start, end = paris_day_bounds(params.start)[0], paris_day_bounds(params.end)[1]
    outside = (params.sites and "plateforme-3975" not in params.sites) or (
        params.channels and "phone_3975" not in params.channels)
    hourly = pd.DataFrame([] if outside else calls_per_hour(start, end))
    waits = pd.DataFrame([] if outside else answered_waits(start, end), columns=["wait", "calls"])
    return build_calls(hourly, waits)


REPORTS: dict[str, Report] = {r.name: r for r in (
    Report("volume", "Volume de tickets par site et par semaine", volume),
    Report("state-share", "Part des démarches de l'État", state_share),
    Report("channels", "Tickets par canal", channels),
    Report("procedures", "Démarches les plus fréquentes", procedures),
    Report("devices", "Tickets par dispositif", devices),
    Report("outcomes", "Issues et durées de traitement", outcomes),
    Report("unmet-demand", "Services demandés non disponibles en ligne", unmet_demand),
    Report("payment-assisted", "Paiements accompagnés et protocole de protection", payment_assisted),
    Report("digital-choice", "Choix du numérique par l'usager", digital_choice),
    Report("repeat-contacts", "Usagers revenus sous 7 jours", repeat_contacts),
    Report("training-coverage", "Formation des agents : couverture par site et module", training_coverage),
    Report("trained-share", "Tickets traités par des agents formés, par site et semaine", trained_share),
    Report("untrained-tickets", "Tickets signalés « agent non formé »", untrained),
    Report("training-expiring", "Formations qui expirent dans les 90 jours", training_expiring),
    Report("calls", "Appels du 3975 : réponses, attente, tickets", calls),
)}


def compute_report(name: str, params: ReportParams) -> dict:
    """Compute one report by name (a `KeyError` for an unknown name)."""
    return REPORTS[name].compute(params)


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in clean.to_dict("records")]


def as_json(result: dict) -> dict:
    """The summary's figures and each table as a list of objects, in one flat dict."""
    return {**result["summary"], **{name: _records(frame) for name, frame in result["tables"].items()}}
