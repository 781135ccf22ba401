"""The batched score shares of the serving path pick the same terms as the one-at-a-time functions."""

from __future__ import annotations

import numpy as np

from recommender.explain import Place, _distance_km
from recommender.filters import haversine_km
from recommender.score_terms import _top_per_row


def test_top_per_row_orders_by_magnitude_then_position_and_skips_missing():
    table = np.array([
        [0.5, -2.0, np.nan, 2.0, 0.1],   # a tie in magnitude goes to the earlier term
        [np.nan, np.nan, 0.3, np.nan, np.nan],  # fewer terms than asked
        [np.nan] * 5,
    ])
    picked = _top_per_row(table, 3)
    assert picked[0].tolist() == [1, 3, 0]
    assert picked[1].tolist() == [2]
    assert picked[2].tolist() == []


def test_explanation_distance_equals_the_filters_haversine():
    rng = np.random.default_rng(0)
    for _ in range(500):
        a = Place(rng.uniform(-11, 6), rng.uniform(95, 141))
        b = Place(rng.uniform(-11, 6), rng.uniform(95, 141))
        assert abs(_distance_km(a, b) - float(haversine_km(a.latitude, a.longitude, b.latitude, b.longitude))) < 1e-9
    assert _distance_km(Place(-6.2, 106.8), Place(-6.2, 106.8)) == 0.0
