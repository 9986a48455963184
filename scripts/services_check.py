"""Are the test services up? Prints what is missing and exits 1; creates the database if needed."""

import sys
from urllib.parse import urlparse

import psycopg
import redis


def main(database_url: str, redis_url: str) -> int:
    problems = []
    url = urlparse(database_url)
    server = f"host={url.hostname} port={url.port or 5432} user={url.username or 'postgres'} connect_timeout=3"
    try:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as conn:
            name = url.path.lstrip("/")
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL not reachable at {url.hostname}:{url.port or 5432} ({str(exc).strip()[:120]})")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis not reachable at {redis_url} ({exc})")
    print("; ".join(problems) or "PostgreSQL and Redis reachable")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
