"""Ranking features of participants and vacancies, read from the project database.

Feature names are ``family=value`` so that the two sides share a vocabulary
(the content model matches "skill=welding" to "skill=welding"; LightFM learns
one embedding per name and side):

participant
    ``skill=<slug>`` from completed trainings (level/3, x1.5 with a
    certificate) and declared skills (0.5); ``word=<token>`` from the titles of
    completed courses; ``occ=<code>`` prior occupation and its parent groups
    (1, 0.5, 0.25, ...); ``prep=<code>`` the occupation groups a completed
    course prepares for (``course_occupations``; unit group 1, its minor
    group 0.5); ``edu=<level>``; ``prov=<code>``; ``reg=<code>``;
    ``wage=<band>``.
vacancy
    ``occ=<code>`` and parents; ``prep=<code>`` its unit and minor group (so a
    course preparing for the occupation meets it by name); ``skill=<slug>``
    (required 1, optional 0.5);
    ``word=<token>`` from the title; ``prov=``, ``reg=`` (or ``loc=remote`` /
    ``loc=national``); ``salary=<band>``; ``emp=<type>``.

Protected attributes (gender, disability, age) are never features: they are
read only by the fairness evaluation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from prakerja.clock import utc_now
from prakerja.columns import Columns
from prakerja.db import reading
from prakerja.models import (
    Course,
    CourseOccupation,
    CourseSkill,
    Enrollment,
    Interaction,
    OccupationGroup,
    Participant,
    ParticipantSkill,
    Province,
    Regency,
    Skill,
    Vacancy,
    VacancySkill,
)
from recommender.attributes import ItemAttr, UserAttr
from recommender.dataset import FEATURE_ID, FEATURE_NAME, FEATURE_VALUE, KIND_WEIGHTS, Dataset, Features, IdMap, tokenize
from recommender.dataset import feature_family as family  # noqa: F401  (the family of a name; used by the models)
from recommender.reach import Reach, reach_of


#: Upper bounds (IDR/month) of the wage and salary bands; above the last is the top band.
WAGE_BANDS_IDR = (1_000_000, 2_000_000, 3_500_000, 5_000_000, 8_000_000)
CERTIFICATE_BONUS = 1.5
DECLARED_SKILL_WEIGHT = 0.5
OPTIONAL_SKILL_WEIGHT = 0.5
PARENT_DECAY = 0.5
#: ``prep=`` names go down to the KBJI minor group (3 digits): a course for one trade prepares for its neighbours.
PREPARED_DIGITS = 3
#: Words too common to say anything about a job or a course.
STOP_WORDS = frozenset(
    "dan di untuk yang dengan ke dari atau pada the and of for with in to a an as at by on "
    "kerja pekerjaan job jobs lowongan dasar basic pelatihan training kursus course online".split()
)


def wage_band(amount) -> str:
    """A band label for a monthly amount in IDR ("<1.0M", "1.0-2.0M", ..., ">=8.0M", "unknown")."""
    if amount is None or (isinstance(amount, float) and np.isnan(amount)):
        return "unknown"
    lower = 0
    for upper in WAGE_BANDS_IDR:
        if amount < upper:
            return f"{lower / 1e6:.1f}-{upper / 1e6:.1f}M"
        lower = upper
    return f">={lower / 1e6:.1f}M"


def title_words(text: str) -> list[str]:
    """Informative title tokens (no stop words, no bare numbers)."""
    return [t for t in tokenize(text) if t not in STOP_WORDS and not t.isdigit()]


def _long(ids, names, values) -> pd.DataFrame:
    return pd.DataFrame(
        {FEATURE_ID: np.asarray(ids), FEATURE_NAME: np.asarray(names, dtype=object), FEATURE_VALUE: np.asarray(values, dtype=np.float32)}
    )


def _read(engine: Engine, statement) -> pd.DataFrame:
    """The statement's rows as a frame.

    Rows become plain tuples first: pandas probes SQLAlchemy's rows as
    mappings, which made 286,000 interactions take 1.4 s instead of 0.2 s.
    """
    with engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame(list(map(tuple, result.fetchall())), columns=list(result.keys()))


@lru_cache(maxsize=8)
def occupation_ancestors(engine: Engine) -> dict[str, list[str]]:
    """Each occupation code with its chain of parent codes, nearest first.

    Cached per engine: reference tables change only with ``prakerja init``.
    """
    groups = _read(engine, select(OccupationGroup.code, OccupationGroup.parent_code))
    parent = {c: p for c, p in zip(groups["code"], groups["parent_code"]) if pd.notna(p)} if not groups.empty else {}
    codes = groups["code"].tolist() if not groups.empty else []
    chains: dict[str, list[str]] = {}
    for code in codes:
        chain, current = [], parent.get(code)
        while current and current not in chain and len(chain) < 8:
            chain.append(current)
            current = parent.get(current)
        chains[code] = chain
    return chains


def occupation_chain(code, ancestors: dict[str, list[str]]) -> list[tuple[str, float]]:
    """``occ=`` names and weights of one occupation and its parents, nearest first (none without a code)."""
    if code is None or pd.isna(code) or not code:
        return []
    chain, weight = [], 1.0
    for c in [code, *ancestors.get(code, [])]:
        chain.append((f"occ={c}", weight))
        weight *= PARENT_DECAY
    return chain


def occupation_features(ids, codes, ancestors: dict[str, list[str]]) -> pd.DataFrame:
    """``occ=`` features for an occupation and its parents with decaying weights."""
    out_ids, names, values = [], [], []
    for entity, code in zip(ids, codes):
        for name, weight in occupation_chain(code, ancestors):
            out_ids.append(entity)
            names.append(name)
            values.append(weight)
    return _long(out_ids, names, values)


@lru_cache(maxsize=8)
def course_preparation(engine: Engine) -> dict[int, tuple[str, ...]]:
    """Each course id with the occupation codes it prepares for (``course_occupations``), read once per engine."""
    links = _read(engine, select(CourseOccupation.course_id, CourseOccupation.occupation_code).order_by(
        CourseOccupation.course_id, CourseOccupation.occupation_code))
    out: dict[int, tuple[str, ...]] = {}
    for course, code in zip(links.get("course_id", []), links.get("occupation_code", [])):
        out[int(course)] = (*out.get(int(course), ()), str(code))
    return out


def prepared_names(code) -> list[tuple[str, float]]:
    """``prep=`` names and weights of one occupation code: the code, then its parents down to :data:`PREPARED_DIGITS`."""
    if code is None or pd.isna(code) or not str(code):
        return []
    code = str(code)
    return [(f"prep={code[:digits]}", PARENT_DECAY ** (len(code) - digits)) for digits in range(len(code), PREPARED_DIGITS - 1, -1)]


@lru_cache(maxsize=8)
def _region_coordinates(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regency and province coordinates (cached per engine, like :func:`occupation_ancestors`)."""
    regencies = _read(engine, select(Regency.code, Regency.province_code, Regency.latitude, Regency.longitude, Regency.urban))
    provinces = _read(engine, select(Province.code, Province.latitude, Province.longitude))
    return regencies.set_index("code"), provinces.set_index("code")


# ---------------------------------------------------------------------- participants


@dataclass
class UserPart:
    """Participants' id map, feature rows (aligned with the id map) and attributes."""

    id_map: IdMap
    features: Features
    attributes: pd.DataFrame


def load_participants(engine: Engine, *, participant_ids=None, as_of=None) -> UserPart:
    """Features and attributes of participants (all, or ``participant_ids``).

    Every participant's row is made by :func:`one_participant_features` from the
    rows of the same three statements serving one participant runs
    (:mod:`recommender.participant_reads`): one feature recipe for every path.
    """
    with reading(engine) as connection:
        people = connection.execute(participants_query(participant_ids)).all()
        trained = connection.execute(trained_skills_query(participant_ids, as_of)).all()
        declared = connection.execute(declared_skills_query(participant_ids)).all()
    places = regency_places(engine)
    ancestors = occupation_ancestors(engine)
    preparing = course_preparation(engine)
    trained_of: dict[int, list] = {}
    for row in trained:
        trained_of.setdefault(int(row.participant_id), []).append(row)
    declared_of: dict[int, list] = {}
    for row in declared:
        declared_of.setdefault(int(row.participant_id), []).append(row)
    rows = []
    for person in people:
        own = trained_of.get(int(person.id), [])
        weights = training_skill_weights([r.level for r in own], [r.certificate for r in own]) if own else np.array([], np.float32)
        province = places.get(person.regency_code, (None,))[0]
        rows.append(one_participant_features(person, province, own, weights, declared_of.get(int(person.id), []), ancestors, preparing))
    id_map = IdMap(np.array([int(p.id) for p in people], dtype=np.int64))
    codes = pd.Series([p.regency_code for p in people], dtype=object)
    regencies, _ = _region_coordinates(engine)
    urban = urban_regencies(engine)
    reaches = [participant_reach(p, urban) for p in people]
    attributes = pd.DataFrame(
        {
            UserAttr.Regency: codes.to_numpy(),
            UserAttr.Province: codes.map(regencies["province_code"]).to_numpy(),
            UserAttr.Latitude: codes.map(regencies["latitude"]).to_numpy(dtype=np.float64),
            UserAttr.Longitude: codes.map(regencies["longitude"]).to_numpy(dtype=np.float64),
            UserAttr.WageBefore: np.array([np.nan if p.wage_before_idr is None else p.wage_before_idr for p in people], dtype=np.float64),
            UserAttr.Reach: np.array([r.kind for r in reaches], dtype=object),
            UserAttr.CommuteKm: np.array([r.commute_km for r in reaches], dtype=np.int64),
        }
    )
    return UserPart(id_map, Features.from_pairs(rows), attributes)


@lru_cache(maxsize=8)
def regency_places(engine: Engine) -> dict[str, tuple[str, float, float]]:
    """regency code -> (province code, latitude, longitude), read once per engine (a dict: no pandas per request)."""
    regencies, _ = _region_coordinates(engine)
    return {
        code: (province, float(latitude), float(longitude))
        for code, province, latitude, longitude in zip(
            regencies.index, regencies["province_code"], regencies["latitude"], regencies["longitude"]
        )
    }


@lru_cache(maxsize=8)
def urban_regencies(engine: Engine) -> frozenset[str]:
    """Codes of the urban regencies (a participant's default commuting distance depends on it)."""
    regencies, _ = _region_coordinates(engine)
    return frozenset(regencies.index[regencies["urban"].fillna(False).astype(bool)])


def participant_reach(person, urban: frozenset[str]) -> Reach:
    """The :class:`Reach` of a row of :func:`participants_query` (the default filled in from the home regency)."""
    return reach_of(person.reach, person.commute_km, person.regency_code in urban)


def participants_query(participant_ids=None):
    """The participant columns features and attributes are made of (all, or ``participant_ids``), by id."""
    query = select(
        Participant.id,
        Participant.education,
        Participant.regency_code,
        Participant.wage_before_idr,
        Participant.prior_occupation_code,
        Participant.reach,
        Participant.commute_km,
    ).order_by(Participant.id)
    if participant_ids is not None:
        query = query.where(Participant.id.in_([int(i) for i in participant_ids]))
    return query


def declared_skills_query(participant_ids=None):
    """Skills participants declared at registration: participant_id, slug."""
    query = select(ParticipantSkill.participant_id, Skill.slug).join(Skill, Skill.id == ParticipantSkill.skill_id)
    if participant_ids is not None:
        query = query.where(ParticipantSkill.participant_id.in_([int(i) for i in participant_ids]))
    return query


def one_participant_features(
    person, province, trained, weights, declared, ancestors: dict[str, list[str]], preparing: dict[int, tuple[str, ...]] | None = None,
) -> list[tuple[str, float]]:
    """The (feature, value) rows :func:`load_participants` gives one participant, in its order, without pandas.

    ``person`` is a row of :func:`participants_query`, ``province`` the province
    of its regency (None when unknown), ``trained`` the rows of
    :func:`trained_skills_query` in the order read, ``weights`` their
    :func:`training_skill_weights`, ``declared`` the rows of
    :func:`declared_skills_query`, ``preparing`` :func:`course_preparation`. Values are float32 as in the long frames; a
    repeated name keeps its largest value in :meth:`Features.from_long`.
    """
    wage = np.float64(np.nan if person.wage_before_idr is None else person.wage_before_idr)
    rows = [
        (f"edu={person.education}", 1.0),
        (f"prov={'nan' if province is None else province}", 1.0),
        (f"reg={person.regency_code}", 1.0),
        ("wage=" + wage_band(wage), 1.0),
        *occupation_chain(person.prior_occupation_code, ancestors),
    ]
    rows += [(f"skill={row.slug}", weight) for row, weight in zip(trained, weights)]
    courses = dict.fromkeys((row.course_id, row.course_title) for row in trained)
    rows += [(f"word={word}", 1.0) for _, title in courses for word in title_words(title)]
    rows += [name for course, _ in courses for code in (preparing or {}).get(int(course), ()) for name in prepared_names(code)]
    rows += [(f"skill={row.slug}", DECLARED_SKILL_WEIGHT) for row in declared]
    return [(name, np.float32(value)) for name, value in rows]


def trained_skills(engine: Engine, *, participant_ids=None, as_of=None) -> pd.DataFrame:
    """Skills from completed trainings: participant_id, course_id, course_title, skill slug and names, weight."""
    frame = _read(engine, trained_skills_query(participant_ids, as_of))
    if frame.empty:
        return frame.assign(weight=pd.Series(dtype=np.float32))
    return frame.assign(weight=training_skill_weights(frame["level"].to_numpy(), frame["certificate"].to_numpy()))


def training_skill_weights(levels, certificates) -> np.ndarray:
    """Weight of a skill from a completed training: level (1-3, default 1) / 3, x1.5 with a certificate."""
    level = np.asarray(levels, dtype=np.float64)
    level = np.where(np.isnan(level), 1.0, level).clip(1, 3).astype(np.float32)
    bonus = np.where(np.asarray(certificates, dtype=object).astype(bool), CERTIFICATE_BONUS, 1.0)
    return (level / 3.0 * bonus).astype(np.float32)


def trained_skills_query(participant_ids=None, as_of=None):
    """The rows of :func:`trained_skills` (before weights): one per completed training and skill taught."""
    query = (
        select(
            Enrollment.participant_id,
            Enrollment.course_id,
            Course.title.label("course_title"),
            Skill.slug,
            Skill.name_id,
            Skill.name_en,
            CourseSkill.level,
            Enrollment.certificate,
        )
        .join(Course, Course.id == Enrollment.course_id)
        .join(CourseSkill, CourseSkill.course_id == Enrollment.course_id)
        .join(Skill, Skill.id == CourseSkill.skill_id)
        .where(Enrollment.completed_on.is_not(None))
    )
    if participant_ids is not None:
        query = query.where(Enrollment.participant_id.in_([int(i) for i in participant_ids]))
    if as_of is not None:
        query = query.where(Enrollment.completed_on <= _as_date(as_of))
    return query


def _as_date(moment) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else pd.Timestamp(moment).date()


# ---------------------------------------------------------------------- vacancies


@dataclass
class ItemPart:
    """Vacancies' id map, long feature frame and attributes.

    ``opening``: per vacancy the columns :func:`open_at` judges (status,
    first_seen, expires_at, last_seen), so "active" can be judged again at a
    later moment without reading the table (:meth:`recommender.serving_state.Catalogue.reopened`).
    """

    id_map: IdMap
    features: pd.DataFrame
    attributes: pd.DataFrame
    opening: pd.DataFrame | None = None


def load_vacancies(engine: Engine, *, now=None, vacancy_ids=None) -> ItemPart:
    """Features and attributes of every vacancy (or ``vacancy_ids``); "active" is judged at ``now``."""
    query = select(
        Vacancy.id,
        Vacancy.title,
        Vacancy.company,
        Vacancy.regency_code,
        Vacancy.province_code,
        Vacancy.location_kind,
        Vacancy.remote,
        Vacancy.salary_min_idr,
        Vacancy.salary_max_idr,
        Vacancy.employment_types,
        Vacancy.occupation_code,
        Vacancy.posted_at,
        Vacancy.expires_at,
        Vacancy.first_seen,
        Vacancy.last_seen,
        Vacancy.status,
    ).order_by(Vacancy.id)
    if vacancy_ids is not None:
        query = query.where(Vacancy.id.in_([int(i) for i in vacancy_ids]))
    jobs = _read(engine, query)
    id_map = IdMap(jobs["id"].to_numpy(dtype=np.int64))
    regencies, provinces = _region_coordinates(engine)
    province = jobs["province_code"].where(jobs["province_code"].notna(), jobs["regency_code"].map(regencies["province_code"]))
    latitude = jobs["regency_code"].map(regencies["latitude"]).fillna(province.map(provinces["latitude"]))
    longitude = jobs["regency_code"].map(regencies["longitude"]).fillna(province.map(provinces["longitude"]))
    moment = pd.Timestamp(now if now is not None else default_now(engine))
    active = open_at(jobs["status"], jobs["first_seen"], jobs["expires_at"], jobs["last_seen"], moment)
    attributes = pd.DataFrame(
        {
            ItemAttr.Active: active,
            ItemAttr.Regency: jobs["regency_code"].to_numpy(),
            ItemAttr.Province: province.to_numpy(),
            ItemAttr.Latitude: latitude.to_numpy(dtype=np.float64),
            ItemAttr.Longitude: longitude.to_numpy(dtype=np.float64),
            ItemAttr.Remote: jobs["remote"].fillna(False).astype(bool).to_numpy(),
            ItemAttr.SalaryMin: jobs["salary_min_idr"].to_numpy(dtype=np.float64),
            ItemAttr.SalaryMax: jobs["salary_max_idr"].to_numpy(dtype=np.float64),
            ItemAttr.EmploymentTypes: jobs["employment_types"].to_numpy(),
            ItemAttr.Title: jobs["title"].to_numpy(),
            ItemAttr.PostedAt: pd.to_datetime(jobs["posted_at"]).to_numpy(),
        }
    )
    ids = jobs["id"].to_numpy()
    best_salary = jobs["salary_max_idr"].astype("float64").fillna(jobs["salary_min_idr"].astype("float64"))
    located = jobs["regency_code"].notna()
    has_province = province.notna() & ~jobs["remote"].fillna(False).astype(bool)
    words = jobs.assign(word=jobs["title"].map(title_words)).explode("word").dropna(subset=["word"])
    types = jobs.assign(emp=jobs["employment_types"].fillna("").str.split(",")).explode("emp")
    types = types[types["emp"].astype(str).str.len() > 0]
    parts = [
        occupation_features(ids, jobs["occupation_code"], occupation_ancestors(engine)),
        _long(*_prepared_long(ids, jobs["occupation_code"])),
        _long(words["id"], "word=" + words["word"].astype(str), np.ones(len(words))),
        _long(ids[located.to_numpy()], "reg=" + jobs.loc[located, "regency_code"].astype(str), np.ones(int(located.sum()))),
        _long(ids[has_province.to_numpy()], "prov=" + province[has_province].astype(str), np.ones(int(has_province.sum()))),
        _long(ids, ["salary=" + wage_band(s) for s in best_salary.to_numpy()], np.ones(len(ids))),
        _long(types["id"], "emp=" + types["emp"].astype(str), np.ones(len(types))),
    ]
    remote = jobs["remote"].fillna(False).astype(bool).to_numpy()
    parts.append(_long(ids[remote], np.full(int(remote.sum()), "loc=remote"), np.ones(int(remote.sum()))))
    national = (jobs["location_kind"] == "national").to_numpy()
    parts.append(_long(ids[national], np.full(int(national.sum()), "loc=national"), np.ones(int(national.sum()))))
    skills_query = select(VacancySkill.vacancy_id, Skill.slug, VacancySkill.required).join(Skill, Skill.id == VacancySkill.skill_id)
    if vacancy_ids is not None:
        skills_query = skills_query.where(VacancySkill.vacancy_id.in_([int(i) for i in vacancy_ids]))
    skills = _read(engine, skills_query)
    if not skills.empty:
        weight = np.where(skills["required"].astype(bool), 1.0, OPTIONAL_SKILL_WEIGHT)
        parts.append(_long(skills["vacancy_id"], "skill=" + skills["slug"], weight))
    opening = jobs[["status", "first_seen", "expires_at", "last_seen"]].reset_index(drop=True)
    return ItemPart(id_map, pd.concat(parts, ignore_index=True), attributes, opening)


def _prepared_long(ids, codes) -> tuple[list, list, list]:
    """(ids, names, values) of the vacancies' ``prep=`` names (:func:`prepared_names`)."""
    out = ([], [], [])
    for entity, code in zip(ids, codes):
        for name, weight in prepared_names(code):
            out[0].append(entity)
            out[1].append(name)
            out[2].append(weight)
    return out


#: A vacancy with no known end stays open this long after it was last seen (ingest's own default lifetime).
UNSEEN_OPEN_DAYS = 60


#: Statuses that say when a vacancy was open by its dates ("expired" is the status of one whose end has passed);
#: "removed" and "filled" close a vacancy whatever its dates.
DATED_STATUSES = ("active", "expired")


def open_at(status, first_seen, expires_at, last_seen, moment) -> np.ndarray:
    """Boolean per vacancy: open at ``moment``, by its own status, sightings and expiry.

    Not removed or filled, first seen by then, and before its expiry; a
    vacancy without an expiry is open until :data:`UNSEEN_OPEN_DAYS` after it
    was last seen. So a past ``moment`` replays the catalogue of that day, and
    other vacancies' dates never matter (a source's file cannot close another
    source's vacancies).
    """
    moment = pd.Timestamp(moment)
    expires = pd.to_datetime(pd.Series(expires_at)).reset_index(drop=True)
    seen = pd.to_datetime(pd.Series(last_seen)).reset_index(drop=True)
    first = pd.to_datetime(pd.Series(first_seen)).reset_index(drop=True)
    end = expires.where(expires.notna(), seen + pd.Timedelta(days=UNSEEN_OPEN_DAYS))
    still_open = (end.isna() | (end > moment)).to_numpy() & (first.isna() | (first <= moment)).to_numpy()
    return pd.Series(status).reset_index(drop=True).isin(DATED_STATUSES).to_numpy() & still_open


def default_now(engine: Engine | None = None) -> dt.datetime:
    """"Today": the real clock (:func:`prakerja.clock.utc_now`), whatever the data holds.

    The data's own latest sighting used to be "today"; then one file of
    postings from a later year made every other source's vacancy look
    expired. Replays and evaluation pass their own ``now``. ``engine`` is
    accepted for the callers that pass one.
    """
    return utc_now()


def newest_sighting(engine: Engine) -> dt.datetime | None:
    """When any vacancy was last seen (None without vacancies): what an empty list cites."""
    with engine.connect() as connection:
        latest = connection.scalar(select(func.max(Vacancy.last_seen)))
    return pd.Timestamp(latest).to_pydatetime() if latest is not None else None


# ---------------------------------------------------------------------- interactions


def load_interactions(
    engine: Engine, *, participant_ids=None, as_of=None, include_shown: bool = False, only_shown: bool = False
) -> pd.DataFrame:
    """Interactions as a :attr:`Columns.Interactions` frame (+ kind), weights from :data:`KIND_WEIGHTS`.

    ``only_shown`` reads the exposures ("shown") instead.
    """
    query = select(Interaction.participant_id, Interaction.vacancy_id, Interaction.kind, Interaction.occurred_at)
    if only_shown:
        query = query.where(Interaction.kind == "shown")
    elif not include_shown:
        query = query.where(Interaction.kind != "shown")
    if participant_ids is not None:
        query = query.where(Interaction.participant_id.in_([int(i) for i in participant_ids]))
    if as_of is not None:
        query = query.where(Interaction.occurred_at <= pd.Timestamp(as_of).to_pydatetime())
    frame = _read(engine, query)
    return pd.DataFrame(
        {
            Columns.User: frame["participant_id"].to_numpy(dtype=np.int64),
            Columns.Item: frame["vacancy_id"].to_numpy(dtype=np.int64),
            Columns.Weight: frame["kind"].map(KIND_WEIGHTS).to_numpy(dtype=np.float32),
            Columns.Datetime: pd.to_datetime(frame["occurred_at"]),
            Columns.Kind: frame["kind"].astype(str).to_numpy(),
        }
    )


def assemble(
    users: UserPart, items: ItemPart, interactions: pd.DataFrame, exposures: pd.DataFrame | None = None, meta: dict | None = None
) -> "Dataset":
    """A :class:`Dataset` from loaded parts (interactions of unknown users/items are dropped)."""
    known = interactions[Columns.User].isin(users.id_map.external_ids) & interactions[Columns.Item].isin(items.id_map.external_ids)
    if exposures is not None:
        exposures = exposures[[Columns.User, Columns.Item, Columns.Datetime]].reset_index(drop=True)
    return Dataset(
        user_id_map=users.id_map,
        item_id_map=items.id_map,
        interactions=interactions.loc[known].reset_index(drop=True),
        user_features=users.features,
        item_features=Features.from_long(items.features, items.id_map),
        user_attributes=users.attributes,
        item_attributes=items.attributes,
        exposures=exposures,
        meta=dict(meta or {}),
    )


def load_dataset(engine: Engine, *, now=None, as_of=None, participant_ids=None) -> Dataset:
    """A :class:`Dataset` of the project database: participants, vacancies, interactions.

    Parameters
    ----------
    engine
        A migrated database.
    now
        The moment that decides which vacancies are active (default: the
        real clock; pass a fixed moment to replay a past day).
    as_of
        Only interactions and completed trainings up to this moment (for
        temporal evaluation); default everything.
    participant_ids
        Restrict users to these participants (serving one person).
    """
    moment = now if now is not None else default_now(engine)
    users = load_participants(engine, participant_ids=participant_ids, as_of=as_of)
    items = load_vacancies(engine, now=moment)
    interactions = load_interactions(engine, participant_ids=participant_ids, as_of=as_of)
    exposures = load_interactions(engine, participant_ids=participant_ids, as_of=as_of, only_shown=True)
    return assemble(users, items, interactions, exposures, meta={"now": pd.Timestamp(moment).isoformat()})
