"""gunicorn settings for production: `gunicorn skillsite.wsgi` reads this file from the project."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers, for slow clients: a client that sends its request a byte at a time holds
# a thread, not a whole worker. With sync workers three such connections stalled every worker of
# a two-worker server for the whole timeout (a normal request waited 35 s); with four threads per
# worker it was answered at once. It takes workers × threads slow connections to stall a server,
# so this is a mitigation: the real answer is the buffering proxy in front (nginx), which
# passes on only complete requests (README, "Deployment").
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Idle kept-alive connections wait in the worker's poller, not in a thread; close them soon.
keepalive = 5
# Request line and headers within bounds (gunicorn's defaults, stated); bodies are bounded by
# the application (REQUEST_BODY_MAX_BYTES, skillsite/request_limits.py).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Load the application once, in the master, and fork the workers from it (skillsite/wsgi.py
# also compiles the templates there, skillsite/warmup.py). A worker then starts in a few
# milliseconds with everything loaded. Each used to import Django and compile templates
# itself, and because workers are recycled (below) that happened every few seconds under load:
# with 2 sync workers /healthz served 690-860 requests a second with a p99 of 360-480 ms
# recycling, 2,400-2,700 with a p99 of 22-27 ms not (benchmarks/load.py's machine, one run).
# New code needs a restart, not a HUP: the master holds the loaded application.
preload_app = True
# Recycle workers now and then so a slow leak can never take a server down. Each new worker
# starts with empty per-process copies (events/local_copies.py, layout parts) and opens its
# connections again: at 2,000 a busy worker was replaced every few seconds.
max_requests = 20000
max_requests_jitter = 2000


def pre_fork(server, worker):
    """Move everything the master loaded out of the garbage collector's sight before a worker
    is forked from it: the worker's collections then scan only what it allocates itself, and
    do not write to (and so copy) every page of the loaded application. Measured with 100,000
    events on PostgreSQL, 5 workers, wrk -c10: a static file's p99 fell from 250-290 ms to
    10-12 ms, an event page's from 150-350 ms to 23-35 ms (docs/benchmarks-load.md)."""
    gc.freeze()


# The proxy in front is trusted for X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# An empty GUNICORN_ACCESS_LOG turns the access log off (benchmarks do).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
