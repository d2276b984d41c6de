"""Find the forms of the application's pages, generically (html.parser), and check pages for unsafe markup."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from app.privacy.cardscan import scan_card_numbers
from tests.security.expectations import EXPECTED, SAMPLES


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    enctype: str
    fields: list[FormField] = field(default_factory=list)
    submit: tuple[str, str] | None = None  # the first named submit button

    @property
    def key(self):
        return self.method, self.action, tuple(sorted(f.name for f in self.fields))


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self._form, self._select, self._textarea = page, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(page=self.page, action=a.get("action") or self.page,
                              method=(a.get("method") or "get").upper(), enctype=a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None or "name" not in a:
            return
        elif tag == "input" and a.get("type") in ("submit", "button", "image", "reset"):
            self._form.submit = self._form.submit or (a["name"], a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.submit = self._form.submit or (a["name"], a.get("value", ""))
        elif tag == "input":
            if a.get("type") in ("checkbox", "radio") and any(f.name == a["name"] for f in self._form.fields):
                return
            self._form.fields.append(FormField(a["name"], a.get("type", "text"), a.get("value", "")))
        elif tag == "select":
            self._select = FormField(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def forms_of(page: str, body: str) -> list[Form]:
    """The forms of an HTML page."""
    parser = _FormParser(page)
    parser.feed(body)
    return parser.forms


def sample_url(rule, samples) -> str:
    entry = EXPECTED[rule.endpoint]
    values = {arg: samples[entry.values.get(arg) or SAMPLES[arg]] for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def pages_for(app, role: str, samples) -> list[str]:
    """URLs of the pages `role` may open (GET 200 in the permission matrix)."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        entry = EXPECTED.get(rule.endpoint)
        if rule.endpoint == "static" or entry is None or entry.get is None or "GET" not in rule.methods:
            continue
        if entry.get.get(role) == 200:
            urls.append(sample_url(rule, samples))
    return urls


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def unsafe_markup(body: str) -> list[str]:
    """What the Content-Security-Policy would block: inline scripts, style attributes, event handlers."""
    found = []
    for name, pattern in (("inline <script>", INLINE_SCRIPT), ("style= attribute", INLINE_STYLE),
                          ("on*= handler", INLINE_HANDLER)):
        match = pattern.search(body)
        if match:
            found.append(f"{name}: {match.group()[:80]}")
    return found


def stored_card_numbers() -> list[str]:
    """Every text value of the database that holds a card number, as 'table.column' (the operators' scan)."""
    return [f"{hit.table}.{hit.column}" for hit in scan_card_numbers()]
