"""OccupationClassifier: measured on held-out hand-labelled board titles, calibrated, and sane on the rules it must keep.

The held-out numbers pin the goals of issue 13: sub-major accuracy >= 0.85,
major >= 0.90, expected calibration error <= 0.05, and answers above the
model's threshold right >= 95% of the time while covering >= 60% of titles.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from jobs_ingest.calibration import expected_calibration_error
from jobs_ingest.occupation_training import LabelledTitle, is_heldout, read_labelled_titles
from jobs_ingest.occupations import OccupationClassifier, OccupationMatch
from prakerja.db import transaction
from prakerja.reference.loader import load_reference
from prakerja.reference.occupations import read_occupation_groups

LABELS = Path(__file__).resolve().parents[1] / "data" / "occupation_titles.csv"
SUB_MAJOR_GOAL, MAJOR_GOAL, ECE_GOAL, PRECISION_GOAL, COVERAGE_GOAL = 0.85, 0.90, 0.05, 0.95, 0.60


@pytest.fixture(scope="module")
def classifier() -> OccupationClassifier:
    return OccupationClassifier.from_reference()


@pytest.fixture(scope="module")
def labelled() -> list[LabelledTitle]:
    return read_labelled_titles(LABELS)


@pytest.fixture(scope="module")
def heldout(classifier, labelled) -> tuple[list[LabelledTitle], list[OccupationMatch | None]]:
    rows = [row for row in labelled if row.split == "heldout"]
    return rows, classifier.classify_many([(row.title, row.department, None) for row in rows])


def test_label_file_is_well_formed(labelled):
    assert [f for f in LabelledTitle.__dataclass_fields__] == next(csv.reader(open(LABELS, encoding="utf-8")))
    sub_majors = {row["code"] for row in read_occupation_groups() if row["level"] == 2}
    titles = [row.title for row in labelled]
    assert len(titles) == len(set(titles)) >= 1200
    for row in labelled:
        assert row.label_2 in sub_majors, row
        assert not row.label_4 or (len(row.label_4) == 4 and row.label_4.startswith(row.label_2)), row
        assert row.split == ("heldout" if is_heldout(row.title) else "dev"), row  # the split is the hash, never chosen
    assert Counter(row.split for row in labelled)["heldout"] >= 300


def test_label_file_covers_every_title_of_the_shared_boards(shared_data, labelled):
    boards = [path for path in sorted((shared_data / "jobs").glob("*.csv")) if "gold" not in path.name]
    titles = set()
    for path in boards:
        with open(path, newline="", encoding="utf-8") as handle:
            titles |= {row["job_title"].strip() for row in csv.DictReader(handle)}
    assert titles == {row.title for row in labelled}


def test_heldout_accuracy_calibration_and_threshold(classifier, heldout):
    rows, matches = heldout
    assert all(match is not None for match in matches)  # no title goes without an answer
    right = np.array([match.code[:2] == row.label_2 for row, match in zip(rows, matches)])
    right_major = np.array([match.code[:1] == row.label_2[:1] for row, match in zip(rows, matches)])
    confidence = np.array([match.confidence for match in matches])
    confident = np.array([match.confident for match in matches])
    ece = expected_calibration_error(confidence, right)
    precision, coverage = right[confident].mean(), confident.mean()
    print(
        f"held-out {len(rows)} titles: sub-major {right.mean():.3f}, major {right_major.mean():.3f}, ECE {ece:.3f}; "
        f"at confidence >= {classifier.threshold_:.3f}: precision {precision:.3f}, coverage {coverage:.3f}"
    )
    assert right.mean() >= SUB_MAJOR_GOAL
    assert right_major.mean() >= MAJOR_GOAL
    assert ece <= ECE_GOAL
    assert precision >= PRECISION_GOAL and coverage >= COVERAGE_GOAL
    assert_flag_follows_threshold(confidence, confident, classifier.threshold_)


def assert_flag_follows_threshold(confidence, confident, threshold: float) -> None:
    """``confident`` is confidence >= threshold, up to the rounding of confidence to 3 places."""
    confidence, confident = np.atleast_1d(confidence), np.atleast_1d(confident)
    assert (confidence[confident] >= threshold - 5e-4).all()
    assert (confidence[~confident] <= threshold + 5e-4).all()


@pytest.mark.parametrize(
    ("title", "sub_major"),
    [  # the misses the issue saw, by the conventions file
        ("Account Receivable Officer", "33"),
        ("Content Creator", "26"),
        ("Bancassurance Financial Advisor", "33"),
        ("Business Lead", "12"),
        ("Admin Invoicing", "43"),
    ],
)
def test_the_misses_named_in_the_issue(classifier, title, sub_major):
    assert classifier.classify(title).code[:2] == sub_major


@pytest.mark.parametrize(
    ("title", "sub_major"),
    [
        ("Accounting Manager", "12"),
        ("Head of Marketing", "12"),
        ("HR Manager", "12"),
        ("IT Manager", "13"),
        ("Warehouse Manager", "13"),
        ("Store Manager", "14"),
        ("Restaurant Manager", "14"),
        ("Senior Account Manager", "33"),  # a sales job, not a manager
        ("Lead Backend Engineer", "25"),  # a team lead who mostly codes
    ],
)
def test_the_manager_rule_keeps_working(classifier, title, sub_major):
    assert classifier.classify(title).code[:2] == sub_major


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Barista", "5132"),
        ("Juru Masak", "5120"),
        ("Penjahit", "7531"),
        ("Tukang Las", "7212"),
        ("Sopir Truk", "8332"),
        ("Satpam", "5414"),
        ("Backend Engineer", "2512"),
        ("Teknisi AC", "7127"),
        ("Kasir", "5230"),
        ("Perakit Elektronik", "8212"),
    ],
)
def test_common_indonesian_and_english_titles_reach_their_unit(classifier, title, code):
    # Not all are above the threshold: the boards' titles are mostly office work, so trades like welding
    # rest on the lexicon alone and the model is rightly less sure of them (docs/normalization.md).
    assert classifier.classify(title).code == code


WRAPPINGS = ["Senior {}", "Sr. {}", "Junior {}", "Staf {}", "{} (Magang)", "{} Internship", "[1 Month Contract] {}",
             "Freelance {}", "{} - Work from Home", "{} (Dibutuhkan Segera)"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_seniority_and_contract_words_do_not_decide_the_group(classifier, labelled, data):
    row = data.draw(st.sampled_from([row for row in labelled if row.split == "dev"]))
    wrapping = data.draw(st.sampled_from(WRAPPINGS))
    plain = classifier.classify(row.title, department=row.department)
    wrapped = classifier.classify(wrapping.format(row.title), department=row.department)
    assert wrapped.code[:2] == plain.code[:2], (row.title, wrapping)


def test_low_confidence_is_flagged_not_hidden(classifier):
    vague = classifier.classify("Lorem ipsum dolor")
    assert vague is not None and not vague.confident and vague.confidence < classifier.threshold_
    sure = classifier.classify("Staf Akuntansi", department="Finance And Accounting")
    assert sure.code[:2] == "33" and sure.confident
    assert classifier.classify("") is None
    assert classifier.classify("N/A", department="N/A") is None
    assert classifier.classify("[3 Months Contract]") is None


def test_a_description_is_read_only_when_the_title_names_nothing(classifier):
    described = classifier.classify("Dibutuhkan Segera", description="Barista untuk kedai kopi di Malang. Shift pagi.")
    assert described is not None and described.code[:2] == "51"
    titled = classifier.classify("Backend Engineer", description="Barista untuk kedai kopi di Malang.")
    assert titled.code[:2] == "25"


titles = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "Zs", "P")), max_size=60)


@settings(max_examples=150, deadline=None)
@given(title=titles, department=st.one_of(st.none(), titles))
def test_confidence_is_a_probability_and_code_is_known(classifier, title, department):
    match = classifier.classify(title, department=department)
    if match is not None:
        assert 0.0 <= match.confidence <= 1.0
        assert match.code in classifier.groups_ and len(match.code) in (2, 4)
        assert_flag_follows_threshold(match.confidence, match.confident, classifier.threshold_)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_case_does_not_change_the_answer(classifier, labelled, data):
    row = data.draw(st.sampled_from(labelled))
    a = classifier.classify(row.title, department=row.department)
    b = classifier.classify(row.title.upper(), department=row.department.lower())
    assert (a and a.code) == (b and b.code)


def test_one_at_a_time_and_many_at_once_agree(classifier, labelled):
    rows = labelled[::25]
    many = classifier.classify_many([(row.title, row.department, None) for row in rows])
    assert many == [classifier.classify(row.title, department=row.department) for row in rows]


def test_built_from_the_database_answers_like_the_reference(engine, classifier, labelled):
    with transaction(engine) as session:
        load_reference(session)
    with Session(engine) as session:
        from_db = OccupationClassifier.from_session(session)
    for row in labelled[::40]:
        assert from_db.classify(row.title, department=row.department) == classifier.classify(
            row.title, department=row.department
        )


def test_a_database_without_occupation_groups_places_nothing(engine):
    with Session(engine) as session:
        empty = OccupationClassifier.from_session(session)
    assert empty.classify("Barista", department="F&B") is None


def test_answers_name_only_groups_the_database_holds():
    groups = {row["code"]: row["title_id"] for row in read_occupation_groups() if row["level"] <= 2}
    only_sub_majors = OccupationClassifier(groups)
    match = only_sub_majors.classify("Barista")
    assert match.code == "51"  # the unit 5132 is not in this database: the answer stays at 2 digits
