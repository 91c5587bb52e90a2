"""gunicorn settings for the forum's app servers (README, "Production profile").

    gunicorn -c gunicorn.conf.py wsgi:app

Each setting can be changed without editing this file: FORUM_BIND, FORUM_WORKERS,
FORUM_THREADS, or gunicorn's own GUNICORN_CMD_ARGS / command-line options, which win.
Every worker builds its own app after the fork (no preload): the database pool, the Redis
connection and the page cache are each worker's own, and stay exact across workers and hosts
because every worker reads the database's change log (forum.cache).
"""

import multiprocessing
import os

bind = os.environ.get("FORUM_BIND", "127.0.0.1:8000")
# Sync workers behind a buffering reverse proxy (nginx): the proxy takes slow clients, so a
# worker is busy only while it computes a page. 2 per core plus one, as gunicorn advises.
workers = int(os.environ.get("FORUM_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("FORUM_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = 30  # a request that takes longer is stuck: its worker is restarted
graceful_timeout = 30  # on SIGTERM or a reload, requests in progress may finish
keepalive = 5
# Restart each worker now and then (jittered, so not all at once): a slow leak cannot grow.
max_requests = 10_000
max_requests_jitter = 1_000
# The proxy on the same host may say who the client is (X-Forwarded-*); the app trusts it
# only with FORUM_PROXY_COUNT set (forum.create_app).
forwarded_allow_ips = os.environ.get("FORUM_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("FORUM_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("FORUM_LOG_LEVEL", "info")
proc_name = "tabadul"
# gunicorn's control socket defaults to one path per user: several servers on one host (make
# up, the tests) would fight over it, and nothing here uses it.
control_socket_disable = True
