"""A small HTTP load generator: keep-alive connections (http.client), cookies, CSRF tokens, bounded in time.

Each virtual client is a thread with its own connection; clients signed in as the same agent share
the signed session cookie (Flask sessions are cookies), so a handful of sign-ins feed 64 clients
without tripping the sign-in rate limit.
"""

import http.client
import os
import re
import threading
import time
import urllib.parse

import numpy as np

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class Client:
    """One keep-alive connection with its cookies."""

    def __init__(self, host: str, port: int, cookies: dict | None = None):
        self.host, self.port = host, port
        self.cookies = dict(cookies or {})
        self.conn = http.client.HTTPConnection(host, port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body); retries once on a connection the server closed."""
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "User-Agent": "relais-bench"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def csrf_token(self, path: str) -> str:
        status, _location, text = self.request("GET", path)
        match = CSRF_RE.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, pas de jeton CSRF")
        return match.group(1) or match.group(2)

    def sign_in(self, login: str, password: str, login_path: str = "/auth/login") -> None:
        token = self.csrf_token(login_path)
        status, location, _text = self.request("POST", login_path,
                                               {"csrf_token": token, "login": login, "password": password})
        if status != 302 or "login" in location:
            raise RuntimeError(f"connexion de {login} refusée ({status})")

    def close(self) -> None:
        self.conn.close()


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50_ms": round(float(np.percentile(values, 50)), 1),
            "p95_ms": round(float(np.percentile(values, 95)), 1),
            "p99_ms": round(float(np.percentile(values, 99)), 1), "max_ms": round(max(values), 1)}


def run_load(make_client, action, clients: int, seconds: float, ok_statuses=(200, 302)) -> dict:
    """`clients` threads repeat `action(client, i)` (returns a status) for `seconds`; throughput and latency."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[dict] = [{} for _ in range(clients)]
    prepared = [make_client(i) for i in range(clients)]
    barrier = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(index: int) -> None:
        client, counter = prepared[index], 0
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            started = time.perf_counter()
            try:
                status = action(client, index * 1_000_000 + counter)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the load goes on
                status = type(exc).__name__
            counter += 1
            if status in ok_statuses:
                latencies[index].append((time.perf_counter() - started) * 1000)
            else:
                errors[index][str(status)] = errors[index].get(str(status), 0) + 1

    load_before = [round(x, 2) for x in os.getloadavg()]
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - started
    for client in prepared:
        client.close()
    flat = [ms for chunk in latencies for ms in chunk]
    failed: dict[str, int] = {}
    for chunk in errors:
        for status, count in chunk.items():
            failed[status] = failed.get(status, 0) + count
    load_after = [round(x, 2) for x in os.getloadavg()]
    print(f"   {getattr(action, '__name__', 'load')} at {clients} client(s): {len(flat)} requests in {elapsed:.1f} s, "
          f"load {load_before} -> {load_after}", flush=True)
    return {"clients": clients, "seconds": round(elapsed, 2), "requests": len(flat),
            "load_average_before": load_before, "load_average_after": load_after,
            "requests_per_second": round(len(flat) / elapsed, 1), "errors": failed, **percentiles(flat)}
