"""Run by `make test` first: stop at once, naming the service, when PostgreSQL or Redis is not reachable."""

import os
import sys

import psycopg
import redis

database_url = os.environ["DATABASE_URL"]
try:
    # The server, not the test database (pytest-django creates that).
    psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except psycopg.Error as exc:
    sys.exit(
        f"PostgreSQL is not reachable at {database_url} ({str(exc).strip()}).\n"
        "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    )
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    sys.exit(
        f"Redis is not reachable at {os.environ['REDIS_URL']} ({exc}).\n"
        'Start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'
    )
