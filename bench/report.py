"""Targets and the Markdown table of a benchmark run.

`write_markdown` rewrites only what lies between the bench markers of RESULTS.md, so the analysis
written by hand around the table survives the next run.
"""

from pathlib import Path

BEGIN, END = "<!-- bench:begin (written by python -m bench.run) -->", "<!-- bench:end -->"


def _get(data: dict, *path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _worst(measure: dict | None, prefix: str, key: str):
    if not measure:
        return None
    values = [_get(measure, name, key) for name in measure if name.startswith(prefix)]
    values = [v for v in values if isinstance(v, int | float)]
    return max(values) if values else None


def _search_p95(measures: dict, clients: int):
    kinds = _get(measures, "search", f"search_{clients}", "by_kind") or {}
    values = [v.get("p95_ms") for v in kinds.values() if v.get("p95_ms") is not None]
    return max(values) if values else None


# name, what, target text, value getter, check, unit
TARGETS = (
    ("dashboard_seconds", "Tableau de bord programme (job, tous les rapports, 1 an)", "< 1 s",
     lambda m: _get(m, "dashboard", "job", "seconds"), lambda v: v < 1, "s"),
    ("dashboard_vs_group_by", "… plus rapide que les GROUP BY sur les tickets", "≥ 2×",
     lambda m: _get(m, "dashboard", "speedup_vs_group_by"), lambda v: v >= 2, "×"),
    ("dashboard_vs_pandas", "… plus rapide que pandas.read_sql + groupby", "≥ 30×",
     lambda m: _get(m, "dashboard", "speedup_vs_pandas"), lambda v: v >= 30, "×"),
    ("dashboard_memory", "Mémoire de pointe du job", "< 300 Mo",
     lambda m: _get(m, "dashboard", "job", "peak_memory_mb"), lambda v: v < 300, "Mo"),
    ("search_p95_1", "Recherche d'usager, p95 (pire type de requête), 1 client", "< 25 ms",
     lambda m: _search_p95(m, 1), lambda v: v < 25, "ms"),
    ("search_p95_8", "Recherche d'usager, p95 (pire type de requête), 8 clients", "< 25 ms",
     lambda m: _search_p95(m, 8), lambda v: v < 25, "ms"),
    ("logging_ratio_16", "Saisie de ticket (formulaire réel) / insertion nue, débit à 16 clients", "≥ 50 %",
     lambda m: _get(m, "logging", "ratio_16"), lambda v: v >= 0.5, "ratio"),
    ("logging_p95_16", "Saisie de ticket, p95 à 16 clients", "< 100 ms",
     lambda m: _get(m, "logging", "form_16", "p95_ms"), lambda v: v < 100, "ms"),
    ("list_pages_p95", "Listes de tickets (file p. 1 et profonde, mes tickets), pire p95", "< 50 ms",
     lambda m: _worst(_get(m, "pages"), ("queue_page", "my_tickets"), "p95_ms"), lambda v: v < 50, "ms"),
    ("resident_page_p95", "Page usager (vue 360°), p95", "< 50 ms",
     lambda m: _get(m, "pages", "resident_page", "p95_ms"), lambda v: v < 50, "ms"),
    ("xlsx_export_seconds", "Export XLSX dans le worker", "< 10 s",
     lambda m: _get(m, "export", "job_seconds"), lambda v: v < 10, "s"),
)


def evaluate_targets(measures: dict, quick: bool) -> list[dict]:
    """Each target with its measured value and whether it is met (None: not measured)."""
    out = []
    for name, what, target, getter, check, unit in TARGETS:
        try:
            value = getter(measures)
        except (TypeError, KeyError):
            value = None
        met = None if value is None else bool(check(value))
        out.append({"name": name, "what": what, "target": target, "value": value, "unit": unit,
                    "met": met, "judged": not quick})
    return out


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value * 100:.0f} %"
    if isinstance(value, float):
        value = f"{value:.3g}" if value < 10 else f"{value:.1f}"
    return f"{value} {unit}".strip()


def _lines(results: dict) -> list[str]:
    meta, m = results["meta"], results["measures"]
    db = meta.get("database", {})
    gen = _get(meta, "generation", "seconds") or {}
    out = [f"Run of {meta['started_at']} ({'quick' if meta['quick'] else 'full size'}), {meta['cpus']} CPUs, "
           f"Python {meta['python']}, PostgreSQL {db.get('postgresql')} (shared_buffers {db.get('shared_buffers')}), "
           f"database {db.get('database_size')}: {db.get('residents'):,} residents, {db.get('tickets'):,} tickets. "
           f"Load average before the run: {meta['load_average_before']} (the machine is shared).", ""]
    if gen:
        out += [f"Generation (`bench.generate`): **{gen.get('total')} s** in total — "
                + ", ".join(f"{k} {v} s" for k, v in gen.items() if k != "total") + ".", ""]
    out += ["| target | measured | target | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        out.append(f"| {t['what']} | {_fmt(t['value'], t['unit'])} | {t['target']} | {met} |")
    out += ["", "| measurement | figure | baseline in the same run |", "|---|---|---|"]
    d = m.get("dashboard", {})
    for mode, label in (("job", "dashboard job (facts)"), ("group_by", "plain GROUP BY"), ("pandas", "pandas")):
        r = d.get(mode) or {}
        out.append(f"| {label} | {_fmt(r.get('seconds'), 's')}, peak {_fmt(r.get('peak_memory_mb'), 'MB')} "
                   f"{'' if r.get('status') in (None, 'ok') else '(' + str(r.get('status')) + ': ' + str(r.get('error', '')) + ')'}"
                   f" | {'reference' if mode == 'job' else _fmt(d.get('speedup_vs_' + mode), '× the job')} |")
    fd = d.get("facts_day") or {}
    out.append(f"| facts of one day rebuilt (`rebuild_facts`, {fd.get('day', '—')}) | {_fmt(fd.get('seconds'), 's')} "
               f"| issue 6 aims under 2 s |")
    s = m.get("search", {})
    for clients in (1, 8):
        for kind, r in (_get(s, f"search_{clients}", "by_kind") or {}).items():
            base = _get(s, f"ilike_{clients}", "by_kind", kind) or {}
            out.append(f"| search `{kind}`, {clients} client(s) | p50 {_fmt(r.get('p50_ms'), 'ms')}, "
                       f"p95 {_fmt(r.get('p95_ms'), 'ms')} | ILIKE p50 {_fmt(base.get('p50_ms'), 'ms')}, "
                       f"p95 {_fmt(base.get('p95_ms'), 'ms')} |")
    lg = m.get("logging", {})
    for clients in (1, 16, 64):
        f, b = lg.get(f"form_{clients}") or {}, lg.get(f"bare_{clients}") or {}
        out.append(f"| ticket form POST, {clients} clients | {_fmt(f.get('requests_per_second'), 'req/s')}, "
                   f"p95 {_fmt(f.get('p95_ms'), 'ms')}, errors {f.get('errors') or 0} | bare insert "
                   f"{_fmt(b.get('requests_per_second'), 'req/s')}, p95 {_fmt(b.get('p95_ms'), 'ms')} |")
    for name, r in (m.get("pages") or {}).items():
        if isinstance(r, dict) and "p50_ms" in r:
            out.append(f"| GET {name} | p50 {_fmt(r['p50_ms'], 'ms')}, p95 {_fmt(r['p95_ms'], 'ms')} | |")
    e = m.get("export") or {}
    out.append(f"| XLSX export in the worker ({e.get('rows', '—')} rows) | {_fmt(e.get('job_seconds'), 's')} "
               f"(queued to finished {_fmt(e.get('end_to_end_seconds'), 's')}) | |")
    for name, r in m.items():
        if isinstance(r, dict) and r.get("status") not in (None, "ok"):
            out.append(f"\n`{name}`: **{r.get('status')}** — {r.get('reason') or r.get('error')}")
    return out


def write_markdown(path: Path, results: dict) -> None:
    """Write the table between the markers of `path`, keeping the rest of the file."""
    block = "\n".join([BEGIN, *_lines(results), END])
    text = path.read_text() if path.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
