"""The occupation model file: current with its inputs, loaded without pickle; calibration arithmetic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jobs_ingest.calibration import expected_calibration_error, fit_temperature, softmax, threshold_for_precision
from jobs_ingest.occupation_features import department_features, job_words, title_features
from jobs_ingest.occupation_model import MODEL_PATH, OccupationModel
from jobs_ingest.occupation_rules import OccupationRules, read_keywords
from jobs_ingest.occupation_training import build, lexicon_samples, read_labelled_titles, title_samples
from prakerja.reference.occupations import read_occupation_groups

LABELS = Path(__file__).resolve().parents[1] / "data" / "occupation_titles.csv"


@pytest.mark.slow
def test_shipped_model_is_current_with_labels_and_lexicon():
    """Rebuilding from tests/data and data/reference gives the shipped file (run tools/build_occupation_model.py)."""
    rebuilt, report = build(read_labelled_titles(LABELS))
    shipped = OccupationModel.load(MODEL_PATH)
    assert shipped.same_as(rebuilt), "stale model: run tools/build_occupation_model.py"
    assert report.titles >= 900 and report.precision >= 0.95 and report.coverage >= 0.5
    assert MODEL_PATH.stat().st_size < 3_000_000  # small enough to ship inside the package


def test_model_file_holds_plain_arrays_only():
    with np.load(MODEL_PATH, allow_pickle=False) as arrays:  # would raise on pickled objects
        assert {array.dtype.kind for array in arrays.values()} <= {"U", "f"}


def test_the_heldout_titles_are_not_in_the_training_data():
    rows = read_labelled_titles(LABELS)
    rules = OccupationRules.from_reference()
    training = title_samples(rules, [row for row in rows if row.split == "dev"])
    training += lexicon_samples(read_occupation_groups(), read_keywords())
    seen = {name for sample in training for name in sample.features}
    heldout_only = {name for row in rows if row.split == "heldout" for name in title_features(row.title)} - seen
    # words and letter runs that only held-out titles have exist, and none of them became a model feature
    assert len(heldout_only) > 100
    assert not heldout_only & set(OccupationModel.load(MODEL_PATH).features.tolist())


def test_holding_words_are_not_job_words():
    assert job_words("[1 Month Contract] Senior Staf Akuntansi (Magang) - WFH") == ["akuntansi"]
    assert job_words("Sr. Backend Engineer | Makati") == ["backend", "engineer", "makati"]
    assert department_features("N/A") == [] and department_features("Finance And Accounting") == ["d:finance", "d:accounting"]


def test_ece_of_perfect_and_of_overconfident_answers():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0, 1, 200_000)
    honest = rng.uniform(0, 1, confidence.size) < confidence
    assert expected_calibration_error(confidence, honest) < 0.01
    assert expected_calibration_error(np.full(1000, 0.9), np.arange(1000) < 600) == pytest.approx(0.3)


def test_temperature_recovers_the_scale_that_made_the_labels():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3, (20_000, 5))
    labels = np.array([rng.choice(5, p=p) for p in softmax(logits, 2.0)])
    assert fit_temperature(logits, labels) == pytest.approx(2.0, rel=0.1)


def test_threshold_keeps_the_precision_above_it():
    confidence = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    correct = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    assert threshold_for_precision(confidence, correct, 1.0) == 0.9
    assert threshold_for_precision(confidence, correct, 0.8) == 0.7
    assert threshold_for_precision(confidence, ~correct, 0.9) == 1.0
