"""How far a participant will go for work, and how a list widens when nothing is within reach.

Most participants look for work they can reach from home: many have no
vehicle, and moving province costs months of wages. Each participant has a
reach (``participants.reach`` / ``commute_km``; None means the default from
their data):

* ``commute``: vacancies within ``commute_km`` of the home regency (distance
  between regency centres; the home regency itself is 0 km);
* ``province``: anywhere in the home province;
* ``anywhere``: anywhere in Indonesia;
* ``remote``: remote work only.

Remote vacancies are within everyone's reach. When nothing within reach
passes the other filters, the list widens one step at a time (commute ->
province -> anywhere; remote -> commute -> province -> anywhere) and says
which step it shows. A commuting reach also widens to the province when
that holds more vacancies connected to the participant's skills or training
and the commute holds fewer than :data:`ENOUGH_CONNECTED` (:func:`chosen_steps`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prakerja import vocab
from prakerja.errors import UserError

#: Default commuting distance: from a city, the neighbouring regencies' centres are close; a rural
#: regency's neighbours are further apart, so 25 km would never leave the home regency.
DEFAULT_COMMUTE_KM_URBAN = 25
DEFAULT_COMMUTE_KM_RURAL = 50
MAX_COMMUTE_KM = 500
#: A commuting scope whose vacancies connected to the participant are fewer than this widens to the
#: province when that holds more (a list of vacancies near home that ask for nothing the participant
#: learned helps less than their province's that do).
ENOUGH_CONNECTED = 10
#: "Within reach" as evaluation measures it for everyone, whatever their preference.
MEASURED_REACH_KM = 100.0


@dataclass(frozen=True)
class Reach:
    """A participant's reach: ``kind`` (vocab.REACH_KINDS), ``commute_km``, and whether they chose it."""

    kind: str
    commute_km: int
    chosen: bool = False

    def steps(self) -> tuple["ReachStep", ...]:
        """The scopes this reach shows, narrowest first: the first is the reach itself, the rest are its widenings."""
        commute = ReachStep("commute", float(self.commute_km))
        widen = {
            "commute": (commute, PROVINCE, ANYWHERE),
            "province": (PROVINCE, ANYWHERE),
            "anywhere": (ANYWHERE,),
            "remote": (REMOTE, commute, PROVINCE, ANYWHERE),
        }
        return widen[self.kind]


@dataclass(frozen=True)
class ReachStep:
    """One scope of a list: ``commute`` (within ``km``), ``province``, ``anywhere`` or ``remote``."""

    scope: str
    km: float | None = None

    def mask(self, distance_km: np.ndarray, same_province: np.ndarray, remote: np.ndarray) -> np.ndarray:
        """Boolean per vacancy: inside this scope (remote vacancies are inside every scope)."""
        if self.scope == "anywhere":
            return np.ones(len(remote), dtype=bool)
        if self.scope == "remote":
            return np.asarray(remote, dtype=bool).copy()
        if self.scope == "province":
            return np.asarray(same_province, dtype=bool) | remote
        return (np.nan_to_num(distance_km, nan=np.inf) <= self.km) | remote


PROVINCE = ReachStep("province")
ANYWHERE = ReachStep("anywhere")
REMOTE = ReachStep("remote")


def reach_of(kind, commute_km, urban) -> Reach:
    """A participant's :class:`Reach` from the stored columns (None: the default from their regency)."""
    default_km = DEFAULT_COMMUTE_KM_URBAN if bool(urban) else DEFAULT_COMMUTE_KM_RURAL
    chosen = kind is not None and not (isinstance(kind, float) and np.isnan(kind))
    km = default_km if commute_km is None or (isinstance(commute_km, float) and np.isnan(commute_km)) else int(commute_km)
    return Reach(str(kind) if chosen else "commute", km, chosen)


def check_reach(kind: str, commute_km: int | None) -> tuple[str, int | None]:
    """A reach a participant asks for, checked: a UserError names what is wrong."""
    if kind not in vocab.REACH_KINDS:
        raise UserError(f"unknown reach {kind!r}; choose from {', '.join(vocab.REACH_KINDS)}")
    if commute_km is not None and not (1 <= int(commute_km) <= MAX_COMMUTE_KM):
        raise UserError(f"commute_km must be between 1 and {MAX_COMMUTE_KM} km, not {commute_km!r}")
    return kind, None if commute_km is None else int(commute_km)


def step_masks(reach: Reach, distance_km, same_province, remote) -> list[np.ndarray]:
    """Per step of ``reach``, the boolean mask of the vacancies inside it."""
    return [step.mask(distance_km, same_province, remote) for step in reach.steps()]


def first_placed_step(reach: Reach, masks: list[np.ndarray], remote) -> int:
    """The narrowest step holding a placed vacancy (remote ones count only for the remote step); the widest when none does.

    Remote vacancies are inside every scope, so only a placed one makes a place scope worth showing.
    """
    placed = ~np.asarray(remote, dtype=bool)
    for index, (step, mask) in enumerate(zip(reach.steps(), masks)):
        if (mask & (placed if step.scope != "remote" else True)).any():
            return index
    return len(masks) - 1


def chosen_steps(reach: Reach, masks: list[np.ndarray], remote, connected) -> np.ndarray:
    """Per user (rows of ``connected``), the step their list shows.

    The first step holding a placed vacancy; then, for a commuting reach, a
    wider step within the province when it holds more vacancies connected to
    the user (:mod:`recommender.connection`): the narrowest step holding as
    many connected placed vacancies as any step up to the province does,
    counting at most :data:`ENOUGH_CONNECTED`. Never "anywhere" for that, and
    never beyond a chosen "province" or "remote".
    """
    first = first_placed_step(reach, masks, remote)
    n_users = 1 if connected is None else connected.shape[0]
    steps = np.full(n_users, first, dtype=np.int64)
    scopes = [step.scope for step in reach.steps()]
    widenable = [i for i in range(first, len(scopes)) if scopes[i] in ("commute", "province")]
    if connected is None or reach.kind != "commute" or len(widenable) < 2:
        return steps
    placed = ~np.asarray(remote, dtype=bool)
    # connected may be a dense boolean array or a 0/1 sparse matrix: count through a product with each step's mask
    counts = np.stack([np.asarray(connected @ (masks[i] & placed).astype(np.float32)).ravel() for i in widenable], axis=1)
    target = np.minimum(counts.max(axis=1), ENOUGH_CONNECTED)
    reaching = counts >= target[:, None]
    chosen = np.asarray(widenable)[np.argmax(reaching, axis=1)]
    return np.where(target > 0, chosen, first)


def within_measured_reach(distance_km, same_province, remote) -> np.ndarray:
    """Evaluation's one yardstick: within 100 km of home, in the home province, or remote."""
    return (np.nan_to_num(np.asarray(distance_km, dtype=np.float64), nan=np.inf) <= MEASURED_REACH_KM) | np.asarray(
        same_province, dtype=bool
    ) | np.asarray(remote, dtype=bool)


#: What a list says when it shows a wider scope than the participant's reach (Bahasa Indonesia; the
#: dashboard translates the same codes through its i18n).
NOTICE_ID = {
    "commute": "Tidak ada lowongan dalam {km:g} km",
    "province": "Tidak ada lowongan di provinsi Anda",
    "remote": "Tidak ada lowongan jarak jauh (remote)",
    "anywhere": "Tidak ada lowongan",
}
SHOWING_ID = {
    "commute": "menampilkan lowongan dalam {km:g} km",
    "province": "menampilkan lowongan di provinsi Anda",
    "anywhere": "menampilkan lowongan di seluruh Indonesia",
    "remote": "menampilkan lowongan jarak jauh",
}


FEW_CONNECTED_ID = {
    "commute": "Sedikit lowongan yang sesuai dengan pelatihan Anda dalam {km:g} km",
    "province": "Sedikit lowongan yang sesuai dengan pelatihan Anda di provinsi Anda",
}


def widening_notice(asked: ReachStep, shown: ReachStep, few_connected: bool = False) -> str:
    """ "Tidak ada lowongan dalam 25 km; menampilkan lowongan di provinsi Anda" (or "Sedikit lowongan yang sesuai ...")."""
    opening = (FEW_CONNECTED_ID if few_connected else NOTICE_ID)[asked.scope].format(km=asked.km or 0)
    return opening + "; " + SHOWING_ID[shown.scope].format(km=shown.km or 0)
