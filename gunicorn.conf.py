"""Gunicorn settings for production (gunicorn reads this file from the directory it starts in).

    DJANGO_SETTINGS_MODULE=config.settings.production gunicorn config.wsgi

Threaded workers with HTTP keep-alive: a scanning phone sends one small request after another,
and keeping its connection open saves a TCP handshake per scan (see bench/checkin.py, which
serves the app with this file). Behind nginx, keep the upstream connections alive too
(``proxy_http_version 1.1``, ``proxy_set_header Connection ""`` and ``keepalive`` in the
upstream block).

Environment: ``GUNICORN_BIND`` (127.0.0.1:8000), ``GUNICORN_WORKERS`` (one per core),
``GUNICORN_THREADS`` (4), ``GUNICORN_WORKER_CLASS`` (gthread), ``GUNICORN_KEEPALIVE`` (seconds,
20), ``GUNICORN_WORKER_CONNECTIONS`` (1000), ``GUNICORN_REUSE_PORT`` (1).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: One process per core: the door scan measured best with 2 workers × 4 threads on 2 cores (more
#: processes share the cores less evenly between kept-alive connections).
workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 2)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "20"))
#: Connections a worker keeps open at most, idle keep-alive ones included.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
backlog = 1024
#: Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new
#: connections over them. On one shared socket the worker that happens to be awake takes most of
#: a burst of connections (23 of 32 seen), and kept-alive scanners stay on the busy one: the
#: slowest scans at 32 scanners took about twice as long (bench/checkin.py, p99 63 → 36 ms).
#: A worker that restarts drops the connections still waiting in its own queue.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") == "1"
# Access and error lines with secret URL segments (manage links, tokens) redacted.
logger_class = "core.logging.RedactingGunicornLogger"


def post_worker_init(worker):
    """Keep the objects of the loaded application out of the garbage collector's full passes.

    A worker holds some 220,000 long-lived objects (Django, Wagtail, the URLconf, translations);
    each full collection walked them all and stopped every request of that worker for about
    100 ms (seen in bench/checkin.py after the search queries); frozen, a full collection takes
    about 10 ms."""

    gc.collect()
    gc.freeze()
