"""Charts of the reports as SVG written directly (bars and weekly lines), French labels.

Every chart has its data table beside it on the page; the SVG is decoration for sighted readers.
Written by hand rather than through a plotting library: ten charts take milliseconds, not seconds,
and the markup carries no <style> element (the page's Content-Security-Policy forbids inline styles).
"""

import math
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from app.reports.present import for_people, partial_weeks

MAX_BARS = 12
BLUE, ORANGE = "#1f4e8c", "#c2571a"
PALETTE = (BLUE, ORANGE, "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#546e7a")
WIDTH = 750
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
CHAR_WIDTH = 6.6  # average width (px) of a 12 px character, to leave room for labels
SMALL, NORMAL = 11, 12  # px: no text under 11 px (the chart is shown at its own size)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _ticks(top: float) -> list[float]:
    """Round axis graduations from 0 to at least `top` (about five)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * i for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def _tick_label(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f") if value == int(value) else _number(value)


def _text(x: float, y: float, content: str, size: int = NORMAL, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{_number(x)}" y="{_number(y)}" font-size="{size}" text-anchor="{anchor}" {FONT}'
            f'{" " + extra if extra else ""}>{escape(content)}</text>')


def _document(height: float, title: str, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{_number(height)}" '
            f'viewBox="0 0 {WIDTH} {_number(height)}" role="img" aria-label={quoteattr(title)}>'
            f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>')
    return "\n".join([head, _text(WIDTH / 2, 22, title, 14, extra='font-weight="bold"'), *body, "</svg>"])


def _value_axis(ticks, scale, origin, length, vertical: bool) -> list[str]:
    """Grid lines and graduations of the value axis."""
    parts = []
    for tick in ticks:
        at = scale(tick)
        if vertical:
            parts.append(f'<line x1="{_number(origin)}" x2="{_number(origin + length)}" y1="{_number(at)}" '
                         f'y2="{_number(at)}" stroke="#dddddd"/>')
            parts.append(_text(origin - 6, at + 4, _tick_label(tick), SMALL, "end"))
        else:
            parts.append(f'<line y1="{_number(origin)}" y2="{_number(origin - length)}" x1="{_number(at)}" '
                         f'x2="{_number(at)}" stroke="#dddddd"/>')
            parts.append(_text(at, origin + 16, _tick_label(tick), SMALL))
    return parts


def _bars(title: str, labels, values, xlabel: str, ylabel: str, horizontal: bool = False, percent=False) -> str:
    labels, values = list(labels)[:MAX_BARS], [float(v or 0) * (100 if percent else 1) for v in list(values)[:MAX_BARS]]
    ticks = _ticks(max(values, default=0))
    top = ticks[-1] or 1
    if horizontal:
        names = [str(label)[:55] for label in labels]
        left = 20 + min(360, CHAR_WIDTH * max((len(n) for n in names), default=1))
        height = max(300.0, 30 * len(labels) + 120)
        plot_top, plot_bottom, plot_width = 40, height - 60, WIDTH - left - 30
        band = (plot_bottom - plot_top) / max(1, len(labels))
        parts = _value_axis(ticks, lambda v: left + plot_width * v / top, plot_bottom, plot_bottom - plot_top, False)
        for index, (name, value) in enumerate(zip(names, values, strict=True)):
            y = plot_top + band * index
            parts.append(f'<rect x="{_number(left)}" y="{_number(y + band * 0.15)}" '
                         f'width="{_number(plot_width * value / top)}" height="{_number(band * 0.7)}" fill="{BLUE}"/>')
            parts.append(_text(left - 6, y + band / 2 + 4, name, SMALL, "end"))
        parts.append(_text(left + plot_width / 2, height - 18, xlabel))
        parts.append(_text(14, (plot_top + plot_bottom) / 2, ylabel, extra=f'transform="rotate(-90 14 {_number((plot_top + plot_bottom) / 2)})"'))
        return _document(height, title, parts)
    height, left, plot_top, plot_bottom = 360.0, 80, 40, 270
    plot_width = WIDTH - left - 20
    band = plot_width / max(1, len(labels))
    scale = (lambda v: plot_bottom - (plot_bottom - plot_top) * v / top)  # noqa: E731
    parts = _value_axis(ticks, scale, left, plot_width, True)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + band * index
        parts.append(f'<rect x="{_number(x + band * 0.15)}" y="{_number(scale(value))}" width="{_number(band * 0.7)}" '
                     f'height="{_number(plot_bottom - scale(value))}" fill="{BLUE}"/>')
        cx = x + band / 2
        parts.append(_text(cx, plot_bottom + 14, str(label)[:18], SMALL, "end",
                           f'transform="rotate(-30 {_number(cx)} {plot_bottom + 14})"'))
    parts.append(_text(left + plot_width / 2, height - 10, xlabel))
    parts.append(_text(16, (plot_top + plot_bottom) / 2, ylabel, extra=f'transform="rotate(-90 16 {(plot_top + plot_bottom) / 2})"'))
    return _document(height, title, parts)


def _short(label: str, width: int = 24) -> str:
    """A legend entry that fits its 170 px: "Mairie du 17e arrondissement" -> "Mairie du 17e arr."."""
    label = label.replace(" arrondissement", " arr.")
    return label if len(label) <= width else label[:width - 1] + "…"


def _week_text(week) -> str:
    week = date.fromisoformat(week) if isinstance(week, str) else week
    return week.strftime("%d/%m")


def _lines(title: str, weeks, series: dict, ylabel: str, percent=False, partial=None) -> str:
    """Weekly lines; a week the period only partly covers (`partial`) is not drawn (a dip that is no dip)
    and the chart says which weeks were left out."""
    weeks = list(weeks)
    partial = list(partial) if partial is not None and not all(partial) else [False] * len(weeks)
    shown = [(str(name), [float(v) * (100 if percent else 1) for v in values])
             for name, values in list(series.items())[:8]]
    legend_rows = math.ceil(len(shown) / 4) if len(shown) > 1 else 0
    left_out = [w for w, p in zip(weeks, partial, strict=True) if p]
    note_rows = 1 if left_out else 0
    height, left, plot_top = 360.0 + 18 * legend_rows + 18 * note_rows, 80, 40
    plot_bottom, plot_width = 270, WIDTH - left - 20
    ticks = _ticks(max((v for _n, values in shown for v, p in zip(values, partial, strict=True) if not p),
                       default=0))
    top = ticks[-1] or 1
    span = max(1, len(weeks) - 1)

    def x_of(i):
        return left + plot_width * (i / span if len(weeks) > 1 else 0.5)

    def y_of(v):
        return plot_bottom - (plot_bottom - plot_top) * v / top

    parts = _value_axis(ticks, y_of, left, plot_width, True)
    step = max(1, len(weeks) // 8)
    for i in range(0, len(weeks), step):
        parts.append(_text(x_of(i), plot_bottom + 14, _week_text(weeks[i]), SMALL, "end",
                           f'transform="rotate(-30 {_number(x_of(i))} {plot_bottom + 14})"'))
    for index, (name, values) in enumerate(shown):
        colour = PALETTE[index % len(PALETTE)]
        drawn = [(i, v) for i, v in enumerate(values) if not partial[i]]
        points = " ".join(f"{_number(x_of(i))},{_number(y_of(v))}" for i, v in drawn)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if len(weeks) <= 30:
            parts.extend(f'<circle cx="{_number(x_of(i))}" cy="{_number(y_of(v))}" r="3" fill="{colour}"/>'
                         for i, v in drawn)
        if legend_rows:
            lx, ly = left + 170 * (index % 4), 338 + 18 * (index // 4)
            parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{colour}"/>')
            parts.append(_text(lx + 18, ly, _short(name), SMALL, "start"))
    parts.append(_text(left + plot_width / 2, 318, "Semaine (du lundi)"))
    if left_out:
        weeks_text = ", ".join(f"du {_week_text(w)}" for w in left_out)
        parts.append(_text(left, height - 12, f"Semaines partielles (non tracées) : {weeks_text}", SMALL, "start"))
    parts.append(_text(16, (plot_top + plot_bottom) / 2, ylabel, extra=f'transform="rotate(-90 16 {(plot_top + plot_bottom) / 2})"'))
    return _document(height, title, parts)


def _informative(values) -> bool:
    """A bar chart says something only when its bars differ (four bars at 100 % say nothing a table does not)."""
    values = [round(float(v or 0), 6) for v in values]
    return len(set(values)) > 1


def _bars_if_informative(title, labels, values, xlabel, ylabel, percent=False) -> str | None:
    labels, values = list(labels), list(values)
    if not _informative(values):
        return None
    horizontal = max((len(str(label)) for label in labels), default=0) > 16
    if horizontal:
        return _bars(title, labels, values, ylabel, xlabel, horizontal=True, percent=percent)
    return _bars(title, labels, values, xlabel, ylabel, percent=percent)


def chart_svg(name: str, title: str, output: dict, params=None, names: dict | None = None) -> str | None:
    """The SVG chart of a report's output, labels not codes; None when a chart would carry nothing."""
    start, end = (params.start, params.end) if params is not None else (None, None)
    t = for_people(output["tables"], names or {}, start, end)

    def partial(table):
        return partial_weeks(table["week"], start, end) if start is not None else None

    if name == "volume":
        week = t["by_week"]
        sites = [s for s in t["by_site"]["site"] if s in week.columns]
        return _lines(title, week["week"], {s: week[s] for s in sites}, "Tickets par semaine",
                      partial=partial(week)) if len(week) else None
    if name == "state-share":
        table = t["by_site"]
        return _bars_if_informative(title, table["site"], table["state_share"], "Site", "Part de l'État (%)",
                                    percent=True)
    if name == "channels":
        table = t["by_channel"]
        return _bars_if_informative(title, table["channel"], table["tickets"], "Canal", "Tickets")
    if name == "procedures":
        return _bars(title, t["top"]["procedure"], t["top"]["tickets"], "Tickets", "Démarche", horizontal=True) \
            if len(t["top"]) else None
    if name == "devices":
        table = t["by_device"]
        return _bars_if_informative(title, table["device"], table["tickets"], "Dispositif", "Tickets")
    if name == "outcomes":
        table = t["by_outcome"]
        return _bars_if_informative(title, table["outcome"], table["tickets"], "Issue", "Tickets")
    if name == "unmet-demand":
        table = t["by_service"]
        return _bars(title, table["service"], table["tickets"], "Demandes", "Service demandé", horizontal=True) \
            if len(table) else None
    if name == "payment-assisted":
        table = t["by_site"]
        return _bars_if_informative(title, table["site"], table["confirmation_rate"], "Site",
                                    "Protocole confirmé (%)", percent=True)
    if name == "digital-choice":
        table = t["by_choice"]
        return _bars_if_informative(title, table["digital_choice"], table["tickets"], "Réponse", "Tickets")
    if name == "repeat-contacts":
        table = t["by_week"]
        return _lines(title, table["week"], {"Taux de retour": table["return_rate"]}, "Taux de retour (%)",
                      percent=True, partial=partial(table)) if len(table) else None
    if name == "training-coverage":
        table = t["by_site"]
        return _bars_if_informative(title, table["site"], table["share"], "Site", "Formations exigées suivies (%)",
                                    percent=True)
    if name == "trained-share":
        table = t["by_week"]
        return _lines(title, table["week"], {"Agents formés": table["trained_share"]}, "Tickets (%)", percent=True,
                      partial=partial(table)) if len(table) else None
    if name == "untrained-tickets":
        table = t["by_site"]
        return _bars(title, table["site"], table["tickets"], "Site", "Tickets « agent non formé »") \
            if len(table) else None
    if name == "calls":
        table = t["by_hour"]
        return _bars_if_informative(title, table["hour"], table["calls"], "Heure (Paris)", "Appels") \
            if len(table) else None
    return None
