"""Where a page may send the agent back to: a local path of this site, never another site.

One guard for every `next` parameter (sign-in, resident creation). A target is refused when it has a
scheme or a host (`https://…`, `javascript:…`), starts with `//` (another host to a browser), or holds
a backslash (browsers read `/\\host` as `//host`).
"""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """`target` if it is a local path to return to, else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
