"""The web server's access log without card numbers, tokens or personal data: gunicorn's `logger_class`.

`deploy/gunicorn.conf.py` sets `logger_class = "app.web.accesslog.MaskingLogger"`, and `make run`
(`scripts/run.sh`) passes `--logger-class app.web.accesslog.MaskingLogger`. Each atom of the access-log
format is masked when the format reads it (`MaskedAtoms`), with the rules of `app.cards.logmasking`:

- the request line (`%(r)s`), the Referer (`%(f)s`), the raw URI and the `Location` of a redirect
  (`%({raw_uri}e)s`, `%({referer}i)s`, `%({location}o)s`…) through `mask_url`: the path kept, a token
  in it as `[jeton]`, a card number as `[carte]`, each query value as `…`;
- the path (`%(U)s`) through `mask_path`, the query string (`%(q)s`) through `mask_query`;
- credentials (`Authorization`, cookies, CSRF token) are never written;
- any other atom (the user agent, a forwarded address…) with its card numbers masked.

The class also masks the URL gunicorn writes in its error log ("Error handling request /…") and installs
the record masking (`app.cards.logmasking.install_record_masking`) in the master process, before the
application is loaded, so gunicorn's own messages are masked as the application's are.
"""

import logging

from gunicorn.glogging import Logger, SafeAtoms

from app.cards.detector import mask_card_numbers
from app.cards.logmasking import install_record_masking, mask_path, mask_query, mask_url

HIDDEN = "[masqué]"
URL_ATOMS = {"f", "{raw_uri}e", "{request_uri}e", "{http_referer}e", "{referer}i", "{location}o",
             "{content-location}o"}
PATH_ATOMS = {"U", "{path_info}e"}
QUERY_ATOMS = {"q", "{query_string}e"}
SECRET_ATOMS = {"{authorization}i", "{http_authorization}e", "{proxy-authorization}i",
                "{http_proxy_authorization}e", "{cookie}i", "{http_cookie}e", "{set-cookie}o",
                "{x-csrftoken}i", "{http_x_csrftoken}e", "{x-api-key}i", "{http_x_api_key}e"}


def mask_atom(key: str, value):
    """One access-log atom (`key` as gunicorn names it, headers and environment lower-cased) as it may be
    written."""
    if not isinstance(value, str):
        return value
    if key in SECRET_ATOMS:
        return HIDDEN
    if key == "r":  # "GET /path?query HTTP/1.1"
        method, _, rest = value.partition(" ")
        uri, _, protocol = rest.rpartition(" ") if " " in rest else (rest, "", "")
        return " ".join(part for part in (method, mask_url(uri), protocol) if part)
    if key in URL_ATOMS:
        return mask_url(value)
    if key in PATH_ATOMS:
        return mask_path(value)
    if key in QUERY_ATOMS:
        return mask_query(value)
    return mask_card_numbers(value)


class MaskedAtoms(SafeAtoms):
    """gunicorn's atoms, each masked as the access-log format reads it (only the atoms written cost)."""

    def __getitem__(self, key):
        return mask_atom(key.lower() if key.startswith("{") else key, super().__getitem__(key))


class _RequestUriFilter(logging.Filter):
    """gunicorn's error log names the request's URI ("Error handling request %s"): masked as in the access log."""

    def filter(self, record):
        if isinstance(record.args, tuple) and any(isinstance(arg, str) and arg.startswith("/") for arg in record.args):
            record.args = tuple(mask_url(arg) if isinstance(arg, str) and arg.startswith("/") else arg
                                for arg in record.args)
        return True


class MaskingLogger(Logger):
    """gunicorn's logger, whose access and error logs hold no card number, token or query value."""

    atoms_wrapper_class = MaskedAtoms

    def __init__(self, cfg):
        install_record_masking()
        super().__init__(cfg)
        self.error_log.addFilter(_RequestUriFilter())
