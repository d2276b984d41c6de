"""A `requests` transport adapter that hands each prepared request to a Flask app in this thread.

The real PyPI clients (py-zammad-cti uses `requests`) build their real bodies and headers; only the
socket is replaced, so each request runs inside the test's database transaction.
"""

from io import BytesIO
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter


class FlaskAdapter(BaseAdapter):
    def __init__(self, app):
        super().__init__()
        self.app = app
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **_kwargs):
        self.sent.append(request)
        parts = urlsplit(request.url)
        client = self.app.test_client()
        body = request.body.encode() if isinstance(request.body, str) else request.body
        answer = client.open(parts.path, method=request.method, query_string=parts.query,
                             headers=dict(request.headers), data=body or b"")
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers.update(answer.headers)
        response.raw = BytesIO(answer.get_data())
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


def mount(session: requests.Session, app, base: str = "http://relais.test") -> FlaskAdapter:
    adapter = FlaskAdapter(app)
    session.mount(base, adapter)
    return adapter
