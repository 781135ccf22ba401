"""The served model and catalogue of one worker, swapped in the background.

:class:`recommender.serving_state.ModelCache` checks the promoted run and the
catalogue on every call and reloads while callers wait. Under load that costs
two queries per request (one counts every vacancy) and stalls every request
while a new model loads. :class:`BackgroundModelCache` instead:

* loads once at startup (:meth:`warm`), so a worker is ready before it serves;
* looks for a new promotion or catalogue change at most every
  ``check_seconds``, in a background thread, while requests keep being served
  from the current state;
* swaps the new state in with one assignment: a request in flight keeps the
  state it started with, so a promotion never fails a request;
* keeps the old state when a reload fails (a broken artifact), logs it and
  tries again at the next check.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from prakerja.errors import UserError
from prakerja_api.heap import settle_heap
from recommender.serving_state import ModelCache, ServingState, catalogue_version
from recommender.registry import promoted_run_key

log = logging.getLogger("prakerja.service")


class ModelUnavailable(UserError):
    """No model could be loaded (the HTTP API answers 503)."""


class BackgroundModelCache(ModelCache):
    """A :class:`ModelCache` for one database that reloads in the background.

    Parameters
    ----------
    check_seconds
        How often (at most) to look for a new promoted run or catalogue change.
    settle
        After each background reload, collect the old state and freeze the new
        one out of full collections (:func:`prakerja_api.heap.settle_heap`; a
        worker process's setting: it collects the whole process's heap).
    ttl_seconds
        Judge the vacancies active again at least this often even when nothing
        changed (vacancies expire and open as time passes; the table is not read again).
    """

    def __init__(self, check_seconds: float = 2.0, ttl_seconds: float = 300.0, settle: bool = False) -> None:
        super().__init__(ttl_seconds=ttl_seconds)
        self.check_seconds = check_seconds
        self.settle = settle
        self._state: ServingState | None = None
        self._checked_at = 0.0
        self._reloading = False
        self.last_error: str | None = None

    @property
    def state(self) -> ServingState | None:
        """The state being served (None before the first load)."""
        return self._state

    def warm(self, engine: Engine) -> ServingState:
        """Load now (startup, or after this worker promoted a model) and serve the result."""
        with self._lock:
            key = (promoted_run_key(engine), catalogue_version(engine))
            self._state = self._load(engine, key)
            self._checked_at = time.monotonic()
            self.last_error = None
            return self._state

    def get(self, engine: Engine) -> ServingState:
        state = self._state
        if state is None:
            try:
                return self.warm(engine)
            except Exception as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                raise ModelUnavailable(f"no model can be served yet: {self.last_error}") from None
        now = time.monotonic()
        if self.check_seconds >= 0 and now - self._checked_at >= self.check_seconds and not self._reloading:
            with self._lock:
                if not self._reloading and now - self._checked_at >= self.check_seconds:
                    self._reloading = True
                    self._checked_at = now
                    threading.Thread(target=self._refresh, args=(engine,), name="model-reload", daemon=True).start()
        return state

    def clear(self) -> None:
        with self._lock:
            self._state = None

    def _refresh(self, engine: Engine) -> None:
        try:
            key = (promoted_run_key(engine), catalogue_version(engine))
            started = time.perf_counter()
            # no reference of this thread's to the old state outlives the call, so the collection below frees it
            renewed = self._renewed(engine, self._state, key)
            if renewed is not None:
                self._state, renewed = renewed, None
                if self.settle:
                    settle_heap()  # the old state collected once, the new one kept out of later full collections
                log.info("serving model run %s (renewed in %.1fs)", key[0], time.perf_counter() - started)
            self.last_error = None
        except Exception as exc:  # keep serving the old state; say why in the log and /readyz
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("model reload failed, still serving the previous model: %s", self.last_error)
        finally:
            self._checked_at = time.monotonic()
            self._reloading = False
