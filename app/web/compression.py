"""Gzip of text responses (pages, CSS, scripts, SVG charts, JSON), for browsers that accept it.

Done in the app so that every deployment, with or without a proxy in front, sends compressed pages and
static files (the nginx example compresses the static files it serves itself). Streamed responses (the
ticket CSV export) and small bodies are left as they are.
"""

import gzip

from flask import Flask, request

COMPRESSIBLE = ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/csv", "text/plain")
MIN_SIZE = 1024  # bytes: below this, the gzip header costs more than it saves
MAX_SIZE = 8 * 1024 * 1024  # bytes read into memory to be compressed at most
LEVEL = 6


def _accepts_gzip() -> bool:
    return any(part.split(";")[0].strip() == "gzip" and not part.replace(" ", "").endswith(";q=0")
               for part in request.headers.get("Accept-Encoding", "").split(","))


def compress(response):
    """after_request hook: gzip the body when the client accepts it and it is worth it."""
    if (response.status_code != 200 or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers or not _accepts_gzip()):
        return response
    length = response.content_length
    if length is not None and not MIN_SIZE <= length <= MAX_SIZE:
        return response
    if response.direct_passthrough:  # a static file (its size is known): read it whole, close it
        wrapped = response.response
        body = b"".join(wrapped)
        if hasattr(wrapped, "close"):
            wrapped.close()
        response.direct_passthrough = False
    elif response.is_streamed:  # produced as it goes (the ticket export): left as it is
        return response
    else:
        body = response.get_data()
    if len(body) < MIN_SIZE:
        response.set_data(body)
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
