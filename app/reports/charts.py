"""Charts of the reports as SVG (matplotlib, no pyplot: no global state in a worker), French labels.

Every chart has its data table beside it on the page; the SVG is decoration for sighted readers.
"""

import io
import re

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

CODE_LABELS = {
    "completed": "Aboutie", "partial": "Partielle", "redirected": "Réorientée",
    "not_possible_online": "Impossible en ligne", "abandoned": "Abandonnée",
    "guided": "Guidé", "together": "À deux", "on_behalf": "À la place",
    "chose_digital": "A choisi le numérique", "no_alternative": "Sans alternative",
    "wanted_other_channel": "Voulait un autre canal", "none": "Non renseigné",
}
MAX_BARS = 12
BLUE, ORANGE = "#1f4e8c", "#c2571a"


def code_label(code) -> str:
    return CODE_LABELS.get(code, str(code))


def _figure(height: float = 3.6) -> Figure:
    figure = Figure(figsize=(7.5, height), layout="constrained")
    FigureCanvasSVG(figure)
    return figure


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    # The page's Content-Security-Policy forbids inline styles; the chart draws the same without.
    return re.sub(r"<style[^>]*>.*?</style>", "", buffer.getvalue(), flags=re.S)


def _bars(title: str, labels, values, xlabel: str, ylabel: str, horizontal: bool = False, percent=False) -> str:
    labels, values = list(labels)[:MAX_BARS], [float(v or 0) * (100 if percent else 1) for v in list(values)[:MAX_BARS]]
    figure = _figure(max(3.0, 0.3 * len(labels) + 1.2) if horizontal else 3.6)
    axes = figure.add_subplot()
    if horizontal:
        axes.barh([str(label)[:55] for label in labels][::-1], values[::-1], color=BLUE)
    else:
        axes.bar([str(label)[:18] for label in labels], values, color=BLUE)
        axes.tick_params(axis="x", labelrotation=30)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    return _svg(figure)


def _lines(title: str, weeks, series: dict, ylabel: str, percent=False) -> str:
    figure = _figure()
    axes = figure.add_subplot()
    for name, values in list(series.items())[:8]:
        axes.plot(range(len(weeks)), [float(v) * (100 if percent else 1) for v in values], label=str(name), linewidth=1.4,
                  marker="o" if len(weeks) <= 30 else None, markersize=3)
    step = max(1, len(weeks) // 8)
    axes.set_xticks(range(0, len(weeks), step), [str(w)[5:] for w in list(weeks)[::step]], rotation=30)
    axes.set_title(title)
    axes.set_xlabel("Semaine (lundi, mois-jour)")
    axes.set_ylabel(ylabel)
    if len(series) > 1:
        axes.legend(fontsize=7, ncols=2)
    return _svg(figure)


def chart_svg(name: str, title: str, output: dict) -> str | None:
    """The SVG chart of a report's output, or None when there is nothing to draw."""
    t = output["tables"]
    if name == "volume":
        sites = list(t["by_site"]["site"])
        return _lines(title, t["by_week"]["week"], {s: t["by_week"][s] for s in sites}, "Tickets par semaine")
    if name == "state-share":
        table = t["by_site"]
        return _bars(title, table["site"], table["state_share"], "Site", "Part de l'État (%)", percent=True)
    if name == "channels":
        return _bars(title, t["by_channel"]["label"], t["by_channel"]["tickets"], "Canal", "Tickets")
    if name == "procedures":
        return _bars(title, t["top"]["label"], t["top"]["tickets"], "Tickets", "Démarche", horizontal=True)
    if name == "devices":
        return _bars(title, t["by_device"]["label"], t["by_device"]["tickets"], "Dispositif", "Tickets")
    if name == "outcomes":
        table = t["by_outcome"]
        return _bars(title, [code_label(c) for c in table["outcome"]], table["tickets"], "Issue", "Tickets")
    if name == "unmet-demand":
        table = t["by_service"]
        return _bars(title, table["service"], table["tickets"], "Demandes", "Service demandé", horizontal=True)
    if name == "payment-assisted":
        table = t["by_site"]
        return _bars(title, table["site"], table["confirmation_rate"], "Site", "Protocole confirmé (%)", percent=True)
    if name == "digital-choice":
        table = t["by_choice"]
        return _bars(title, [code_label(c) for c in table["digital_choice"]], table["tickets"], "Réponse", "Tickets")
    if name == "repeat-contacts":
        table = t["by_week"]
        return _lines(title, table["week"], {"Taux de retour": table["return_rate"]}, "Taux de retour (%)",
                      percent=True)
    return None
