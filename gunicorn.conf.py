"""gunicorn settings for production: `gunicorn skillsite.wsgi` reads this file from the project."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker: the proxy in front buffers slow clients, and on two cores extra
# threads only contend for the interpreter lock (the load benchmark's p99 was about half
# with single-threaded workers).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front is trusted for X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# An empty GUNICORN_ACCESS_LOG turns the access log off (benchmarks do).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
