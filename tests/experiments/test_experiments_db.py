"""Experiments on a demo world of the test's own (SQLite and PostgreSQL): registry, serving, logging, attribution, a live run.

A content run is promoted (the control) and a random run recorded (the
treatment); each test writes its own experiment, exposures and feedback.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, insert, select

from prakerja.db import make_engine
from prakerja.demo.responder import DemoResponder
from prakerja.errors import UnknownId, UserError
from prakerja.migrate import upgrade
from prakerja.models import ExperimentAssignment, ExperimentExposure, Interaction, Vacancy
from recommender.experiments.analysis import CONTINUE, STOP, Decision, carry_out, experiment_report, participant_outcomes
from recommender.experiments.registry import (
    create_experiment,
    get_experiment,
    promote_arm,
    start_experiment,
    stop_experiment,
)
from recommender.experiments.serving import ExperimentServing, serve_participant
from recommender.experiments.simulation import simulate_live
from recommender.features import load_dataset
from recommender.models import make_model
from recommender.registry import promoted_run_id, record_run
from recommender.serving_state import ModelCache
from tests.worlds import copied_database, private_database

pytestmark = pytest.mark.slow  # a demo world and two fitted models per module and database, copied for each test

PARTICIPANTS, SEED = 300, 23


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def built_world(request, tmp_path_factory, artifact_dir):
    """(URL, control run, treatment run) of a demo world built once per module and backend; tests take copies."""
    from prakerja.bootstrap import initialise

    url, drop = private_database(request.param, tmp_path_factory.mktemp("experiment-world"), "prakerja_exp")
    engine = make_engine(url)
    upgrade(engine)
    initialise(engine, demo=True, participants=PARTICIPANTS, seed=SEED)
    dataset = load_dataset(engine)
    control = record_run(engine, make_model("content").fit(dataset), dataset, promote=True)
    treatment = record_run(engine, make_model("random").fit(dataset), dataset)
    engine.dispose()  # a copy needs the original closed
    yield url, control, treatment
    drop()


@pytest.fixture
def world(built_world, tmp_path):
    """(engine, control run, treatment run) on a fresh copy of the module's demo world (the model files are shared, read only)."""
    template, control, treatment = built_world
    url, drop = copied_database(template, tmp_path, "prakerja_exp")
    engine = make_engine(url)
    yield engine, control, treatment
    engine.dispose()
    drop()


def test_registry_refuses_what_cannot_run_and_promoting_the_winner_ends_it(world):
    engine, control, treatment = world
    with pytest.raises(UserError, match="differ"):
        create_experiment(engine, "same", [control])
    with pytest.raises(UnknownId):
        create_experiment(engine, "missing run", [99_999])
    with pytest.raises(UserError, match="100%"):
        create_experiment(engine, "too much", [treatment], shares=[60, 60])
    with pytest.raises(UserError, match="province"):
        create_experiment(engine, "nowhere", [treatment], province="99")
    first = create_experiment(engine, "first", [treatment], shares=[50, 50], planned_end=dt.datetime(2030, 1, 1))
    assert get_experiment(engine, first).control.run_id == control  # the promoted run by default
    with pytest.raises(UserError, match="exists already"):
        create_experiment(engine, "first", [treatment])
    start_experiment(engine, first)
    second = create_experiment(engine, "second", [treatment], province="32")
    with pytest.raises(UserError, match="same participants"):
        start_experiment(engine, second)
    with pytest.raises(UserError, match="only a draft"):
        start_experiment(engine, first)
    stop_experiment(engine, second, "never ran")
    with pytest.raises(UserError, match="no arm"):
        promote_arm(engine, first, "winner", "nothing")
    done = promote_arm(engine, first, "treatment", "tests")
    assert done.status == "stopped" and done.decision.startswith("promoted treatment")
    assert promoted_run_id(engine) == treatment


def test_serving_uses_the_arm_model_and_a_reload_counts_nothing_twice(world):
    engine, control, treatment = world
    experiment_id = create_experiment(engine, "logging", [treatment])
    start_experiment(engine, experiment_id)
    cache, experiments = ModelCache(), ExperimentServing()
    served = {}
    for participant_id in range(1, 41):
        results, assignment = serve_participant(engine, participant_id, cache=cache, experiments=experiments)
        assert assignment is not None and assignment.experiment_id == experiment_id
        assert all(r.model_run_id == assignment.run_id for r in results)  # the arm's model ranked the list
        served[participant_id] = (assignment, [r.vacancy_id for r in results])
    assert {a.run_id for a, _ in served.values()} == {control, treatment}
    another_process = ExperimentServing()  # its own snapshot of the experiments, read from the database
    for participant_id in range(1, 41):  # reload: the same lists again
        again, assignment = serve_participant(engine, participant_id, cache=cache, experiments=another_process)
        assert assignment == served[participant_id][0]  # another process agrees
    with engine.connect() as connection:
        assignments = connection.scalar(select(func.count()).select_from(ExperimentAssignment))
        exposures = connection.execute(select(ExperimentExposure.participant_id, ExperimentExposure.vacancy_id,
                                              ExperimentExposure.position)).all()
    assert assignments == 40
    assert len(exposures) == sum(len(ids) for _, ids in served.values())
    first_positions = {(p, v): pos for p, (_, ids) in served.items() for pos, v in enumerate(ids, start=1)}
    assert {(p, v): pos for p, v, pos in exposures} == first_positions


def test_the_buffered_log_keeps_first_showings_across_flushes_and_concurrent_workers(world):
    """The service's path: lists buffered and written a second later (COPY on PostgreSQL), by two workers at once."""
    import threading

    from recommender.experiments.exposures import ExposureLog, ServedList, ShownVacancy

    engine, _control, treatment = world
    experiment_id = create_experiment(engine, "buffered", [treatment])
    start_experiment(engine, experiment_id)
    arm = get_experiment(engine, experiment_id).arms[0].id
    with engine.connect() as connection:
        vacancy_ids = connection.scalars(select(Vacancy.id).order_by(Vacancy.id).limit(30)).all()
    moment = dt.datetime(2026, 12, 1, 8, 0)

    def served(participant_id, ids, minutes):
        return ServedList(experiment_id, arm, participant_id, moment + dt.timedelta(minutes=minutes),
                          tuple(ShownVacancy(v, position, True, None) for position, v in enumerate(ids, start=1)))

    log = ExposureLog(flush_seconds=3600)  # buffered: nothing is written until flush
    log.add(engine, served(1, vacancy_ids[:5], 0))
    log.add(engine, served(1, vacancy_ids[3:8], 1))  # a reload with two vacancies shown again at other places
    assert log.flush(engine) == 8
    log.add(engine, served(1, vacancy_ids[:10], 2))  # the next second: five new, five already there
    log.add(engine, served(2, vacancy_ids[:3], 2))
    log.flush(engine)
    workers = [ExposureLog(flush_seconds=3600) for _ in range(2)]  # two workers showing overlapping lists
    for number, worker in enumerate(workers):
        for participant_id in range(3, 13):
            worker.add(engine, served(participant_id, vacancy_ids[number * 5: number * 5 + 20], 3 + number))
    threads = [threading.Thread(target=worker.flush, args=(engine,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        rows = connection.execute(select(ExperimentExposure.participant_id, ExperimentExposure.vacancy_id,
                                         ExperimentExposure.position, ExperimentExposure.shown_at)).all()
        assigned = connection.execute(select(ExperimentAssignment.participant_id, ExperimentAssignment.assigned_at)).all()
    shown = {(p, v): (position, at) for p, v, position, at in rows}
    assert len(shown) == len(rows)  # never twice
    first = {vacancy_ids[i]: i + 1 for i in range(5)} | {vacancy_ids[i]: i - 2 for i in range(5, 8)}
    assert {v: position for (p, v), (position, _) in shown.items() if p == 1} == first | {
        vacancy_ids[i]: i + 1 for i in range(8, 10)}
    assert shown[1, vacancy_ids[4]] == (5, moment)  # the first showing, not the reload's place 2 a minute later
    assert {(v, position) for (p, v), (position, _) in shown.items() if p == 2} == {(vacancy_ids[i], i + 1) for i in range(3)}
    for participant_id in range(3, 13):  # each worker's rows landed once; the vacancies both showed kept one of them
        mine = {v for (p, v) in shown if p == participant_id}
        assert mine == set(vacancy_ids[:25])
    assert dict(assigned)[1] == moment and len(assigned) == 12


def test_feedback_counts_for_the_arm_that_showed_it_once(world):
    engine, _control, treatment = world
    experiment_id = create_experiment(engine, "attribution", [treatment])
    started = start_experiment(engine, experiment_id).started_at
    shown_at = started + dt.timedelta(minutes=1)
    results, assignment = serve_participant(engine, 7, experiments=ExperimentServing(), shown_at=shown_at)
    shown, other = results[0].vacancy_id, results[1].vacancy_id
    later = shown_at + dt.timedelta(minutes=5)
    before = started - dt.timedelta(days=2)
    unseen = int(np.setdiff1d(np.arange(1, 200), [r.vacancy_id for r in results])[0])
    rows = [
        dict(participant_id=7, vacancy_id=shown, kind="saved", occurred_at=later),
        dict(participant_id=7, vacancy_id=shown, kind="saved", occurred_at=later + dt.timedelta(hours=1)),  # saved again
        dict(participant_id=7, vacancy_id=shown, kind="applied", occurred_at=later),
        dict(participant_id=7, vacancy_id=other, kind="applied", occurred_at=shown_at - dt.timedelta(seconds=1)),  # before it was shown
        dict(participant_id=7, vacancy_id=unseen, kind="applied", occurred_at=later),  # never shown by the experiment
        dict(participant_id=7, vacancy_id=unseen, kind="clicked", occurred_at=before),  # pre-period activity
    ]
    with engine.begin() as connection:
        connection.execute(insert(Interaction.__table__), rows)
    frame = participant_outcomes(engine, get_experiment(engine, experiment_id), now=later + dt.timedelta(days=1))
    seven = frame.set_index("participant_id").loc[7]
    assert seven.arm_id == assignment.arm_id
    assert (seven.saved, seven.applied, seven.hired, seven.pre_activity) == (1, 1, 0, 1)


def test_a_small_live_run_logs_checks_and_keeps_collecting(world):
    engine, _control, treatment = world
    experiment_id = create_experiment(engine, "live", [treatment], primary_metric="applied")
    start_experiment(engine, experiment_id)
    responder = DemoResponder.from_database(engine, SEED)
    run = simulate_live(engine, responder, experiment_id, days=3, visits_per_day=40, rng=np.random.default_rng(5))
    report = run.final
    assert len(run.reports) == 3 and run.lists_served == 120
    assert report.ratio.ok
    assert 0 < sum(report.ratio.observed) <= 120  # distinct participants who opened a list
    assert report.decision.action == CONTINUE and "too few" in report.decision.reason
    with engine.connect() as connection:
        attributed = connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.model_run_id.is_not(None)))
        exposures = connection.scalar(select(func.count()).select_from(ExperimentExposure))
    assert attributed > 0 and exposures > 0
    assert sum(rail.exposures for rail in report.guardrails) == exposures
    again = experiment_report(engine, experiment_id, now=report.as_of)
    assert again.to_dict() == report.to_dict()  # looking again changes nothing
    assert carry_out(engine, again) is None  # "continue" does nothing
    again.decision = Decision(STOP, None, "every treatment lowers applied")
    assert carry_out(engine, again).status == "stopped"
    assert get_experiment(engine, experiment_id).decision == "every treatment lowers applied"


def test_a_segment_takes_only_its_participants(world):
    """A wave segment (members read once per check) and a province segment: the others get the promoted model, unlogged."""
    from prakerja.models import Participant, Regency

    engine, control, treatment = world
    with engine.connect() as connection:
        people = connection.execute(select(Participant.id, Participant.wave, Regency.province_code)
                                    .join(Regency, Regency.code == Participant.regency_code).order_by(Participant.id)).all()
    wave = max({p.wave for p in people}, key=lambda w: sum(p.wave == w for p in people))
    experiment_id = create_experiment(engine, "one wave", [treatment], wave=wave)
    start_experiment(engine, experiment_id)
    experiments = ExperimentServing(check_seconds=0)  # sees the start and stop below at once (the default: within 2 s)
    for person in people[:60]:
        results, assignment = serve_participant(engine, person.id, experiments=experiments)
        assert (assignment is not None) == (person.wave == wave)
        if assignment is None:
            assert all(r.model_run_id == control for r in results)
    stop_experiment(engine, experiment_id, "next")
    province = people[0].province_code
    experiment_id = create_experiment(engine, "one province", [treatment], province=province)
    start_experiment(engine, experiment_id)
    for person in people[:60]:
        _results, assignment = serve_participant(engine, person.id, experiments=experiments)
        assert (assignment is not None) == (person.province_code == province)
    with engine.connect() as connection:
        logged = set(connection.execute(select(ExperimentAssignment.participant_id)
                                        .where(ExperimentAssignment.experiment_id == experiment_id)).scalars())
    assert logged == {p.id for p in people[:60] if p.province_code == province}
