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


def _search_kind_p95(measures: dict, clients: int, kind: str):
    return _get(measures, "search", f"search_{clients}", "by_kind", kind, "p95_ms")


# name, what, target text, value getter, check, unit, judged in quick mode (counts and ratios only)
TARGETS = (
    ("dashboard_seconds", "Tableau de bord programme (job, tous les rapports, 1 an)", "< 1 s",
     lambda m: _get(m, "dashboard", "job", "seconds"), lambda v: v < 1, "s", False),
    ("dashboard_vs_group_by", "… plus rapide que les GROUP BY sur les tickets", "≥ 2×",
     lambda m: _get(m, "dashboard", "speedup_vs_group_by"), lambda v: v >= 2, "×", False),
    ("dashboard_vs_pandas", "… plus rapide que pandas.read_sql + groupby", "≥ 30×",
     lambda m: _get(m, "dashboard", "speedup_vs_pandas"), lambda v: v >= 30, "×", False),
    ("dashboard_memory", "Mémoire de pointe du job (mesurée dans le processus)", "< 300 Mo",
     lambda m: _get(m, "dashboard", "job", "peak_memory_mb"), lambda v: v < 300, "Mo", False),
    ("search_p95_1", "Recherche d'usager, p95 (pire type de requête), 1 client", "< 25 ms",
     lambda m: _search_p95(m, 1), lambda v: v < 25, "ms", False),
    ("search_typo_p95_1", "Recherche avec faute, base fraîchement générée, p95, 1 client", "< 25 ms",
     lambda m: _search_kind_p95(m, 1, "name_typo"), lambda v: v < 25, "ms", False),
    ("search_typo_word_scans", "… parcours séquentiels de resident_name_words dans ses plans", "0",
     lambda m: _get(m, "search", "name_typo_word_table_seq_scans"), lambda v: v == 0, "", True),
    ("search_p95_8", "Recherche d'usager, p95 (pire type de requête), 8 clients", "< 25 ms",
     lambda m: _search_p95(m, 8), lambda v: v < 25, "ms", False),
    ("search_vs_driver_8", "Recherche / mêmes requêtes via le pilote seul, débit à 8 clients", "≥ 60 %",
     lambda m: _get(m, "search", "vs_driver_8"), lambda v: v >= 0.6, "ratio", False),
    ("logging_statements", "Requêtes SQL par saisie de ticket (appelant connu)", "≤ 6",
     lambda m: _get(m, "logging", "profile", "sql_statements_per_post"), lambda v: v <= 6, "", True),
    ("logging_ratio_16", "Saisie de ticket (formulaire réel) / insertion nue, débit à 16 clients", "≥ 50 %",
     lambda m: _get(m, "logging", "ratio_16"), lambda v: v >= 0.5, "ratio", False),
    ("logging_p95_vs_bare_16", "Saisie de ticket, p95 / p95 de l'insertion nue, 16 clients", "≤ 2×",
     lambda m: _get(m, "logging", "p95_vs_bare_16"), lambda v: v <= 2, "×", False),
    ("list_pages_p95", "Listes de tickets (file p. 1 et profonde, mes tickets), pire p95", "< 50 ms",
     lambda m: _worst(_get(m, "pages"), ("queue_page", "my_tickets"), "p95_ms"), lambda v: v < 50, "ms", False),
    ("resident_page_p95", "Page usager (vue 360°), p95", "< 50 ms",
     lambda m: _get(m, "pages", "resident_page", "p95_ms"), lambda v: v < 50, "ms", False),
    ("export_rows", "Export XLSX dans le worker : lignes écrites", "≥ 100000",
     lambda m: _get(m, "export", "rows"), lambda v: v >= 100_000, "", True),
    ("export_rows_match", "… autant que de tickets de la liste (comptés en SQL à part)", "oui",
     lambda m: _get(m, "export", "rows_match"), lambda v: v is True, "", True),
    ("export_memory_growth", "… mémoire de pointe du worker, liste ≥ 100 000 / liste ≥ 10 000", "≤ 1.2×",
     lambda m: _get(m, "export", "memory_growth"), lambda v: v <= 1.2, "×", True),
    ("xlsx_export_seconds", "Export XLSX dans le worker (≥ 100 000 lignes)", "< 10 s",
     lambda m: _get(m, "export", "job_seconds"), lambda v: v < 10, "s", False),
)


def evaluate_targets(measures: dict, quick: bool) -> list[dict]:
    """Each target with its measured value and whether it is met (None: not measured).

    `judged`: a full run judges every target; the quick mode only counts and ratios that do not depend
    on the machine's load (its absolute times are shown, not judged).
    """
    out = []
    for name, what, target, getter, check, unit, quick_judged in TARGETS:
        try:
            value = getter(measures)
        except (TypeError, KeyError):
            value = None
        met = None if value is None else bool(check(value))
        out.append({"name": name, "what": what, "target": target, "value": value, "unit": unit,
                    "met": met, "judged": quick_judged or not quick})
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
           f"Load average before the run: {meta['load_average_before']} (the machine is shared; each figure's "
           "load before and after it is in `results.json`).", ""]
    generation = meta.get("generation") or {}
    if generation.get("stale"):
        out += [f"Generation: not shown — {generation['reason']}.", ""]
    elif gen:
        out += [f"Generation of this database (`bench.generate`, finished {generation.get('finished_at', '—')}): "
                f"**{gen.get('total')} s** in total — "
                + ", ".join(f"{k} {v} s" for k, v in gen.items() if k != "total") + ".", ""]
    out += ["| target | measured | target | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        if not t["judged"]:
            met = f"{met} (not judged in quick mode)" if t["met"] is not None else met
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
    for clients in (1, 8):
        r, d = _get(s, f"search_{clients}") or {}, _get(s, f"driver_{clients}") or {}
        if d:
            out.append(f"| search, all kinds, {clients} client(s) | {_fmt(r.get('queries_per_second'), 'q/s')} "
                       f"| same statements through the driver {_fmt(d.get('queries_per_second'), 'q/s')} "
                       f"({_fmt(s.get(f'vs_driver_{clients}'), 'ratio')}) |")
    lg = m.get("logging", {})
    rows = [(clients, lg.get(f"form_{clients}") or {}, lg.get(f"bare_{clients}") or {}, "")
            for clients in (1, 16, 64)]
    off = lg.get("synchronous_commit_off") or {}
    rows.append((16, off.get("form_16") or {}, off.get("bare_16") or {}, ", synchronous_commit = off"))
    for clients, f, b, setting in rows:
        out.append(f"| ticket form POST, {clients} clients{setting} | {_fmt(f.get('requests_per_second'), 'req/s')}, "
                   f"p95 {_fmt(f.get('p95_ms'), 'ms')}, errors {f.get('errors') or 0} | bare insert "
                   f"{_fmt(b.get('requests_per_second'), 'req/s')}, p95 {_fmt(b.get('p95_ms'), 'ms')} |")
    prof = lg.get("profile") or {}
    if prof.get("sql_statements_per_post") is not None:
        out.append(f"| ticket form POST in process (no profiler) | {_fmt(prof.get('ms_per_post_in_process'), 'ms')}, "
                   f"{prof['sql_statements_per_post']} SQL statements | |")
    for name, r in (m.get("pages") or {}).items():
        if isinstance(r, dict) and "p50_ms" in r:
            out.append(f"| GET {name} | p50 {_fmt(r['p50_ms'], 'ms')}, p95 {_fmt(r['p95_ms'], 'ms')} | |")
    e = m.get("export") or {}
    small = e.get("small") or {}
    out.append(f"| XLSX export in the worker ({e.get('rows', '—')} rows) | {_fmt(e.get('job_seconds'), 's')} "
               f"(query {_fmt(e.get('query_seconds'), 's')}, stored {_fmt(e.get('store_seconds'), 's')}; queued to "
               f"finished {_fmt(e.get('end_to_end_seconds'), 's')}), peak {_fmt(e.get('worker_peak_memory_mb'), 'MB')} "
               f"| same rows as CSV {_fmt(e.get('csv_seconds'), 's')} ({_fmt(e.get('xlsx_vs_csv'), '×')}) |")
    out.append(f"| XLSX export in the worker ({small.get('rows', '—')} rows) | {_fmt(small.get('job_seconds'), 's')}, "
               f"peak {_fmt(small.get('worker_peak_memory_mb'), 'MB')} | memory of the large one: "
               f"{_fmt(e.get('memory_growth'), '×')} |")
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
