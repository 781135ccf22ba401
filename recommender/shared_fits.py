"""Fits shared within one evaluation: a model configured like one already fitted on the same dataset is that fit.

An evaluation fits its whole line-up on one training view, and the line-up repeats itself: the grounded
model's base is the blend with the blend's own parameters, and the grounded-content model's base and the
blend's content part are the content model. Inside :func:`sharing_fits`, :func:`fit` hands back the earlier
fit of an equal model (same class, same parameters) on the same dataset object instead of fitting again;
outside it, :func:`fit` is ``model.fit(dataset)``. Fitted models are only read afterwards, so sharing one is
the same as holding two equal ones. Reported fit times stay each model's own: :func:`reused_seconds` counts
what the shared fits took when they were made.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from recommender.base import Recommender
    from recommender.dataset import Dataset

Model = TypeVar("Model", bound="Recommender")


@dataclass
class FitMemo:
    """The fits of one sharing block (or of several, when passed to each)."""

    #: (class, repr with every parameter, id of the dataset) -> (the dataset, kept so its id stays its own; fit; seconds)
    done: dict = field(default_factory=dict)
    reused_seconds: float = 0.0


_FITS: ContextVar[FitMemo | None] = ContextVar("shared_fits", default=None)


@contextlib.contextmanager
def sharing_fits(memo: FitMemo | None = None) -> Iterator[None]:
    """A block in which equal models fitted on the same dataset are fitted once (also across blocks given one ``memo``)."""
    token = _FITS.set(memo if memo is not None else FitMemo())
    try:
        yield
    finally:
        _FITS.reset(token)


def fit(model: Model, dataset: "Dataset") -> Model:
    """``model`` fitted on ``dataset``, or, inside :func:`sharing_fits`, an equal model already fitted on it."""
    fits = _FITS.get()
    if fits is None:
        return model.fit(dataset)
    key = (type(model), repr(model), id(dataset))
    earlier = fits.done.get(key)
    if earlier is not None and earlier[0] is dataset:
        fits.reused_seconds += earlier[2]
        return earlier[1]
    started, reused = time.perf_counter(), fits.reused_seconds
    model.fit(dataset)
    # its cost: its own time and what the parts it was handed cost when they were made
    fits.done[key] = (dataset, model, time.perf_counter() - started + fits.reused_seconds - reused)
    return model


def reused_seconds() -> float:
    """Seconds the fits handed back so far in this block took when they were made (0 outside a block)."""
    fits = _FITS.get()
    return 0.0 if fits is None else fits.reused_seconds
