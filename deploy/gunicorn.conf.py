"""Gunicorn settings for the Relais web tier: `gunicorn -c deploy/gunicorn.conf.py`.

Each setting can be changed by environment variable, so one file serves every instance behind the
load balancer. Threads (gthread) keep a worker busy while it waits on PostgreSQL; the number of
worker processes follows the cores.
"""

import multiprocessing
import os

wsgi_app = os.environ.get("RELAIS_WSGI_APP", "app:create_app()")
bind = os.environ.get("RELAIS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("RELAIS_THREADS", "4"))
# Each worker holds at most `threads` database connections: workers x threads x instances must stay
# under PostgreSQL's max_connections (or behind PgBouncer).
timeout = int(os.environ.get("RELAIS_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory held by a large export is given back).
max_requests = 5000
max_requests_jitter = 500
# The load balancer terminates TLS and sets X-Forwarded-*; trust it only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log: masked URLs only (app/web/accesslog.py): each query value written as "…", the CTI token as
# "[jeton]", a card number typed in a path as "[carte]"; no credential. Card numbers in gunicorn's error
# log and in every record the application writes are masked too (app/cards/logmasking.py).
logger_class = "app.web.accesslog.MaskingLogger"
accesslog = os.environ.get("RELAIS_ACCESS_LOG", "-")
errorlog = os.environ.get("RELAIS_ERROR_LOG", "-")
loglevel = os.environ.get("RELAIS_LOG_LEVEL", "info")
proc_name = "relais-web"
