"""When a page fails: a friendly message with a reference id for the reader, the traceback in the server log.

Streamlit would show the exception with its traceback (server paths, code)
to whoever is signed in. The entry runs every page through :func:`guarded`:
the reader sees one translated sentence and a short reference id, and the
operator finds the same id beside the full traceback in the server's log.
Streamlit's own stop and rerun signals are BaseExceptions and pass through.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import streamlit as st

from dashboard.i18n import t

logger = logging.getLogger("dashboard")
if not logger.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def reference_id() -> str:
    """A short id a reader can quote and an operator can search the log for."""
    return uuid.uuid4().hex[:10]


def report_failure(exc: BaseException, lang: str, message: str = "unexpected_error") -> str:
    """Log ``exc`` with its traceback under a new reference id and show the reader ``message``; returns the id.

    ``message`` is a key of :mod:`dashboard.i18n` with a ``{reference}`` field
    (the recommender's own errors are English and meant for operators).
    """
    reference = reference_id()
    logger.error("page failed [ref %s]: %s", reference, exc, exc_info=exc)
    st.error(t(message, lang, reference=reference), icon=":material/error:")
    return reference


def guarded(run: Callable[[], None], lang: Callable[[], str]) -> None:
    """Run a page; any exception becomes :func:`report_failure` instead of a traceback on screen."""
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - every failure must reach the log, none the reader
        report_failure(exc, lang())
