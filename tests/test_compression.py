"""Responses are compressed for browsers that accept it (measured on real pages), and the favicon exists."""

import gzip

from tests.conftest import text_of


def test_pages_and_static_files_are_gzipped_and_read_the_same(app, reference, client_as):
    client = client_as("manager")
    plain = client.get("/reports/")
    packed = client.get("/reports/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < 0.35 * len(plain.data), (len(packed.data), len(plain.data))
    css = client.get("/static/css/relais.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert b"body" in gzip.decompress(css.data)
    refused = client.get("/reports/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and "Tableaux de bord" in text_of(refused)


def test_favicon_is_served_to_everyone(app):
    response = app.test_client().get("/favicon.ico", buffered=True)
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    response.close()
