"""The split every model follows: an item side, a user side, and a score of one against the other.

As RecTools' ``VectorModel`` and implicit's ``recommend`` do it, a fitted model

* builds its **item side** once per catalogue (:meth:`Recommender.item_side`
  of :class:`~recommender.dataset.Entities`): LightFM's item vectors, content's TF-IDF rows, a
  blend's parts and the moments it standardises with;
* builds a **user side** from feature rows alone (:meth:`Recommender.user_side`),
  one participant or a batch, with the same code;
* scores a user side against rows of an item side (:meth:`Recommender.score_sides`).

``recommend``, batch scoring, the API and the dashboard all score through
these three, so a served answer equals the model's by construction. An item
side can :meth:`~ItemSide.take` a subset of its rows (the active vacancies)
as a compact side of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from recommender.dataset import Entities

__all__ = ["Entities", "Grounds", "IdSide", "ItemSide"]


class ItemSide(Protocol):
    """What every item side offers besides its model-specific contents."""

    def take(self, rows: np.ndarray) -> "ItemSide":  # pragma: no cover - protocol
        """The side of ``rows`` only, stored compactly (row i of the result is ``rows[i]``)."""


@dataclass(frozen=True)
class IdSide:
    """A side that is just the entities' ids (popularity's items, random's users and items)."""

    ids: np.ndarray

    def take(self, rows: np.ndarray) -> "IdSide":
        return IdSide(self.ids[np.asarray(rows, dtype=np.int64)])


@dataclass(frozen=True)
class Grounds:
    """Why each of one user's items may stand where it does, beyond the score (what explanations show).

    ``connected[i]``: the item asks for something the user holds (a skill, a
    related occupation, a word of a completed course); ``similar_applicants[i]``:
    participants like this one who applied to it; ``evidence_needed``: how
    many make an unconnected item rank among the connected ones.
    """

    connected: np.ndarray
    similar_applicants: np.ndarray
    evidence_needed: int
