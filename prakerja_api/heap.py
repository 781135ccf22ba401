"""Keeping a worker's served state out of Python's full garbage collections.

A served catalogue and model hold a few hundred thousand Python objects
(display fields, id maps, skill lists, frames) that live until the next
reload. The cyclic collector's full (generation 2) pass walks every one of
them: on the 100,000-vacancy benchmark world it stopped the worker for about
270 ms, once every ~1,500 requests, which is the latency tail of every
request waiting behind it. :func:`settle_heap` collects once and then
freezes what is alive (``gc.freeze``): later collections skip it, and only
objects made after it (requests' garbage) are walked. It runs after a state
is loaded (startup, and each background reload, where it costs that one
collection instead of one every few seconds).
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger("prakerja.service")


def settle_heap() -> None:
    """Collect what the previous state left, then move every live object out of the collector's passes."""
    started = time.perf_counter()
    gc.unfreeze()  # a replaced state's objects were frozen: collect them with the rest
    gc.collect()
    gc.freeze()
    log.debug("heap settled in %.0f ms (%d objects frozen)", (time.perf_counter() - started) * 1000, gc.get_freeze_count())
