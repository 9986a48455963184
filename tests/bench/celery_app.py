"""The product's Celery app with the floor task registered: what the worker of the benchmark runs."""

import os

import redis

from hubmod.celery import app

__all__ = ["app"]

_counter = None


@app.task(name="bench.noop", ignore_result=True)
def noop() -> None:
    """As near nothing as a task can be while saying it ran: one Redis INCR."""
    global _counter
    if _counter is None:
        _counter = redis.Redis.from_url(os.environ["BENCH_COUNTER_URL"])
    _counter.incr("bench:noop")
