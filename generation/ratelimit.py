"""DashScope allows 2 task submissions per second per account. Each worker process spaces its own
submissions (ml.generation.dashscope_backend); this gate shares the spacing between every process that
uses the same cache (the database cache table or Redis): a submission takes the current time slot of
DASHSCOPE_MIN_SUBMIT_INTERVAL seconds with an atomic cache.add, or waits for the next free slot."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

MAX_WAIT_SECONDS = 30.0


def dashscope_submit_gate(*, clock=time.time, sleep=time.sleep) -> None:
    interval = settings.DASHSCOPE_MIN_SUBMIT_INTERVAL
    if interval <= 0:
        return
    give_up = clock() + MAX_WAIT_SECONDS  # never block a job forever: the 429 retries still apply
    while True:
        now = clock()
        slot = int(now / interval)
        if cache.add(f"generation:dashscope-submit:{slot}", 1, timeout=max(2, int(interval * 4) + 1)):
            return
        if now >= give_up:
            return
        sleep(max(0.005, (slot + 1) * interval - now))
