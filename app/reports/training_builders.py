"""Pure pandas shaping of the training reports: coverage, share of tickets by trained agents, flagged tickets."""

import pandas as pd

from app.reports.builders import share, weekly_by


def _codes(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Code columns as text even when the frame is empty (pandas makes an empty column float)."""
    return frame.astype({column: object for column in columns})


def build_coverage(agents: pd.DataFrame, trained: pd.DataFrame, flagged: pd.DataFrame) -> dict:
    """Share of a site's active agents holding a valid session of each module, and its flagged tickets.

    `agents`: site, agents. `trained`: site, module, title, required, trained. `flagged`: site, tickets.
    """
    agents, trained, flagged = _codes(agents, "site"), _codes(trained, "site", "module"), _codes(flagged, "site")
    frame = trained.merge(agents, on="site", how="left")
    frame["share"] = [share(t, a) for t, a in zip(frame["trained"], frame["agents"], strict=True)]
    by_module = frame[["site", "module", "title", "agents", "trained", "share"]].sort_values(["site", "module"])
    required = frame[frame["required"]]
    per_site = required.groupby("site", as_index=False)[["trained"]].sum() if len(required) else \
        pd.DataFrame({"site": [], "trained": []})
    by_site = agents.merge(_codes(per_site, "site"), on="site", how="left").merge(
        flagged.rename(columns={"tickets": "untrained_tickets"}), on="site", how="left")
    modules = int(required["module"].nunique()) if len(required) else 0
    by_site = by_site.fillna({"trained": 0, "untrained_tickets": 0}).astype({"trained": "int64",
                                                                              "untrained_tickets": "int64"})
    by_site["share"] = [share(t, a * modules) for t, a in zip(by_site["trained"], by_site["agents"], strict=True)]
    by_site = by_site[["site", "agents", "share", "untrained_tickets"]].sort_values("site").reset_index(drop=True)
    slots = int(agents["agents"].sum()) * modules
    return {"summary": {"agents": int(agents["agents"].sum()),
                        "coverage_share": share(int(required["trained"].sum()) if len(required) else 0, slots),
                        "untrained_tickets": int(flagged["tickets"].sum()) if len(flagged) else 0},
            "tables": {"by_site": by_site, "by_site_module": by_module.reset_index(drop=True)}}


def build_trained_share(daily: pd.DataFrame, flagged: pd.DataFrame, start, end) -> dict:
    """Per site and week: tickets, those flagged "agent non formé", share handled by trained agents.

    `daily`: day, site, tickets. `flagged`: day, site, tickets.
    """
    daily, flagged = _codes(daily, "site"), _codes(flagged, "site")
    totals = weekly_by(daily, "site", "tickets", start, end).melt(id_vars="week", var_name="site", value_name="tickets")
    marked = weekly_by(flagged, "site", "tickets", start, end).melt(id_vars="week", var_name="site",
                                                                    value_name="untrained_tickets")
    frame = totals.merge(marked, on=["week", "site"], how="left").fillna({"untrained_tickets": 0})
    frame = frame[frame["site"] != "total"].astype({"untrained_tickets": "int64"})
    frame = frame[frame["tickets"] > 0].copy()
    frame["trained_share"] = [share(t - u, t) for t, u in zip(frame["tickets"], frame["untrained_tickets"],
                                                              strict=True)]
    by_week = frame.groupby("week", as_index=False)[["tickets", "untrained_tickets"]].sum()
    by_week["trained_share"] = [share(t - u, t) for t, u in zip(by_week["tickets"], by_week["untrained_tickets"],
                                                                strict=True)]
    tickets, untrained = int(frame["tickets"].sum()), int(frame["untrained_tickets"].sum())
    return {"summary": {"tickets": tickets, "untrained_tickets": untrained,
                        "trained_share": share(tickets - untrained, tickets)},
            "tables": {"by_site_week": frame.sort_values(["site", "week"]).reset_index(drop=True),
                       "by_week": by_week.reset_index(drop=True)}}


def build_untrained(flagged: pd.DataFrame) -> dict:
    """Tickets flagged "agent non formé" per site and per procedure. `flagged`: site, procedure, tickets."""
    flagged = _codes(flagged, "site", "procedure")
    by_site = flagged.groupby("site", as_index=False)["tickets"].sum().sort_values("site")
    by_procedure = (flagged.groupby("procedure", as_index=False)["tickets"].sum()
                    .sort_values(["tickets", "procedure"], ascending=[False, True]))
    return {"summary": {"untrained_tickets": int(flagged["tickets"].sum()) if len(flagged) else 0},
            "tables": {"by_site": by_site.reset_index(drop=True), "by_procedure": by_procedure.reset_index(drop=True)}}
