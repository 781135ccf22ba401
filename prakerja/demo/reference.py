"""The reference data the demo world is built on, read from the database into arrays.

Reading the tables (not the shipped files) keeps the generator independent of
how reference data is stored or imported; arrays keep every later step vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, select

from prakerja.errors import UserError
from prakerja.models import (
    Course,
    CourseOccupation,
    CourseSkill,
    OccupationGroup,
    Provider,
    Regency,
    Skill,
    SkillOccupation,
)

MAJOR_GROUPS = tuple("123456789")  # KBJI major groups with civilian vacancies (0 = armed forces)


@dataclass(frozen=True)
class Ragged:
    """Variable-length integer lists in CSR form: row ``i`` is ``values[starts[i]:starts[i + 1]]``."""

    starts: np.ndarray
    values: np.ndarray

    @classmethod
    def from_pairs(cls, rows: np.ndarray, values: np.ndarray, n_rows: int) -> Ragged:
        order = np.lexsort((values, rows))
        counts = np.bincount(rows, minlength=n_rows)
        return cls(np.concatenate([[0], np.cumsum(counts)]), values[order].astype(np.int64))

    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    def row(self, i: int) -> np.ndarray:
        return self.values[self.starts[i] : self.starts[i + 1]]


@dataclass(frozen=True)
class DemoReference:
    """Regions, occupation groups, skills and courses as aligned numpy arrays."""

    regency_codes: np.ndarray
    regency_province: np.ndarray  # index into province_codes
    province_codes: np.ndarray
    regency_population: np.ndarray
    regency_urban: np.ndarray
    regency_lat: np.ndarray
    regency_lon: np.ndarray
    regency_names: np.ndarray  # "Kota Surabaya"
    regency_short_names: np.ndarray  # "Surabaya"
    occupation_codes: np.ndarray  # groups that have skills linked, major 1-9
    occupation_titles: np.ndarray
    occupation_major: np.ndarray  # 0..8 for major groups "1".."9"
    occupation_skills: Ragged  # skill indices per occupation
    occupation_commonness: np.ndarray  # 1 + courses preparing for the group: the catalogue mirrors common jobs
    skill_ids: np.ndarray  # database id per skill index
    course_ids: np.ndarray
    course_offline: np.ndarray  # offline or blended: needs the participant nearby
    course_hours: np.ndarray
    course_certified: np.ndarray
    course_regency: np.ndarray  # provider's regency index, -1 when unknown
    course_skills: Ragged  # skill indices per course
    course_major_affinity: np.ndarray  # (courses, 9): share of the course's occupations in each major
    minor_codes: np.ndarray  # KBJI minor groups (3 digits) of the linked occupations and the courses' occupations
    occupation_minor: np.ndarray  # index into minor_codes per occupation
    course_minors: Ragged  # minor-group indices each course prepares for (course_occupations)

    @property
    def n_skills(self) -> int:
        return len(self.skill_ids)


def read_reference(engine: Engine) -> DemoReference:
    """Read every table the demo world depends on.

    Raises
    ------
    UserError
        When regions, skills, occupation links or courses are missing.
    """
    with engine.connect() as connection:
        regencies = connection.execute(
            select(
                Regency.code, Regency.province_code, Regency.population, Regency.urban,
                Regency.latitude, Regency.longitude, Regency.name, Regency.short_name,
            ).order_by(Regency.code)
        ).all()
        groups = connection.execute(
            select(OccupationGroup.code, OccupationGroup.title_id).order_by(OccupationGroup.code)
        ).all()
        skill_ids = np.array(connection.scalars(select(Skill.id).order_by(Skill.id)).all(), dtype=np.int64)
        skill_links = connection.execute(
            select(SkillOccupation.occupation_code, SkillOccupation.skill_id)
        ).all()
        courses = connection.execute(
            select(Course.id, Course.mode, Course.hours, Course.certificate, Provider.regency_code)
            .join(Provider, Provider.id == Course.provider_id)
            .order_by(Course.id)
        ).all()
        course_skill_rows = connection.execute(select(CourseSkill.course_id, CourseSkill.skill_id)).all()
        course_occupation_rows = connection.execute(
            select(CourseOccupation.course_id, CourseOccupation.occupation_code)
        ).all()
    missing = [
        name
        for name, rows in (("regencies", regencies), ("skills", skill_ids), ("skill_occupations", skill_links),
                           ("courses", courses), ("course_skills", course_skill_rows))
        if len(rows) == 0
    ]
    if missing:
        raise UserError(
            "the demo world needs the reference data first, but this database has no "
            + ", ".join(missing)
            + "; load the full reference data with `prakerja init` (into an empty database) before the demo"
        )

    regency_codes = np.array([r.code for r in regencies])
    province_codes, regency_province = np.unique([r.province_code for r in regencies], return_inverse=True)
    regency_index = {code: i for i, code in enumerate(regency_codes)}
    skill_index = {int(s): i for i, s in enumerate(skill_ids)}

    titles = {g.code: g.title_id for g in groups}
    linked = sorted({code for code, _ in skill_links if code[:1] in MAJOR_GROUPS})
    occupation_index = {code: i for i, code in enumerate(linked)}
    links = [(occupation_index[code], skill_index[int(skill)]) for code, skill in skill_links if code in occupation_index]
    link_array = np.array(links, dtype=np.int64).reshape(-1, 2)

    course_ids = np.array([c.id for c in courses], dtype=np.int64)
    course_index = {int(c): i for i, c in enumerate(course_ids)}
    course_skill_pairs = np.array(
        [(course_index[c], skill_index[s]) for c, s in course_skill_rows], dtype=np.int64
    ).reshape(-1, 2)
    affinity = np.zeros((len(course_ids), len(MAJOR_GROUPS)))
    for course_id, code in course_occupation_rows:
        if code[:1] in MAJOR_GROUPS:
            affinity[course_index[course_id], MAJOR_GROUPS.index(code[:1])] += 1.0
    commonness = np.ones(len(linked))
    for _, code in course_occupation_rows:
        if code in occupation_index:
            commonness[occupation_index[code]] += 1.0
    minor_codes = np.array(sorted({c[:3] for c in linked} | {c[:3] for _, c in course_occupation_rows if c[:1] in MAJOR_GROUPS}))
    minor_index = {code: i for i, code in enumerate(minor_codes)}
    course_minor_pairs = np.array(sorted({(course_index[c], minor_index[code[:3]]) for c, code in course_occupation_rows
                                          if code[:3] in minor_index}), dtype=np.int64).reshape(-1, 2)
    affinity = _infer_missing_affinity(affinity, course_skill_pairs, link_array, np.array([c[:1] for c in linked]))
    affinity /= np.maximum(affinity.sum(axis=1, keepdims=True), 1.0)

    return DemoReference(
        regency_codes=regency_codes,
        regency_province=regency_province.astype(np.int64),
        province_codes=province_codes,
        regency_population=np.array([r.population for r in regencies], dtype=np.float64),
        regency_urban=np.array([bool(r.urban) for r in regencies]),
        regency_lat=np.array([r.latitude for r in regencies]),
        regency_lon=np.array([r.longitude for r in regencies]),
        regency_names=np.array([r.name for r in regencies]),
        regency_short_names=np.array([r.short_name for r in regencies]),
        occupation_codes=np.array(linked),
        occupation_titles=np.array([titles.get(code, code) for code in linked]),
        occupation_major=np.array([MAJOR_GROUPS.index(code[0]) for code in linked], dtype=np.int64),
        occupation_skills=Ragged.from_pairs(link_array[:, 0], link_array[:, 1], len(linked)),
        occupation_commonness=commonness,
        skill_ids=skill_ids,
        course_ids=course_ids,
        course_offline=np.array([c.mode != "online" for c in courses]),
        course_hours=np.array([c.hours or 1 for c in courses], dtype=np.float64),
        course_certified=np.array([bool(c.certificate) for c in courses]),
        course_regency=np.array([regency_index.get(c.regency_code, -1) for c in courses], dtype=np.int64),
        course_skills=Ragged.from_pairs(course_skill_pairs[:, 0], course_skill_pairs[:, 1], len(course_ids)),
        course_major_affinity=affinity,
        minor_codes=minor_codes,
        occupation_minor=np.array([minor_index[code[:3]] for code in linked], dtype=np.int64),
        course_minors=Ragged.from_pairs(course_minor_pairs[:, 0], course_minor_pairs[:, 1], len(course_ids)),
    )


def occupation_weights(ref: DemoReference, major_shares: dict[str, float]) -> np.ndarray:
    """Each occupation's probability: its major group's share, split within the group by commonness."""
    shares = np.array([major_shares[m] for m in MAJOR_GROUPS], dtype=np.float64)
    per_major = np.bincount(ref.occupation_major, weights=ref.occupation_commonness, minlength=len(MAJOR_GROUPS))
    present = per_major > 0
    shares = np.where(present, shares, 0.0) / shares[present].sum()
    return shares[ref.occupation_major] * ref.occupation_commonness / per_major[ref.occupation_major]


def _infer_missing_affinity(
    affinity: np.ndarray, course_skills: np.ndarray, skill_links: np.ndarray, occupation_majors: np.ndarray
) -> np.ndarray:
    """Give a course without occupation links the major groups of the occupations its skills serve."""
    missing = np.flatnonzero(affinity.sum(axis=1) == 0)
    if len(missing) == 0 or len(skill_links) == 0:
        return affinity
    skill_major = np.zeros((int(course_skills[:, 1].max(initial=0)) + 1, len(MAJOR_GROUPS)))
    majors = np.array([MAJOR_GROUPS.index(m) for m in occupation_majors[skill_links[:, 0]]])
    inside = skill_links[:, 1] < len(skill_major)
    np.add.at(skill_major, (skill_links[inside, 1], majors[inside]), 1.0)
    for course in missing:
        skills = course_skills[course_skills[:, 0] == course, 1]
        affinity[course] = skill_major[skills].sum(axis=0)
    return affinity


EARTH_RADIUS_KM = 6371.0


def regency_distances_km(ref: DemoReference) -> np.ndarray:
    """Great-circle distance between every pair of regency centres (float32, regencies x regencies)."""
    lat, lon = np.radians(ref.regency_lat), np.radians(ref.regency_lon)
    half_dlat = (lat[:, None] - lat[None, :]) / 2
    half_dlon = (lon[:, None] - lon[None, :]) / 2
    a = np.sin(half_dlat) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(half_dlon) ** 2
    return (2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a.clip(0, 1)))).astype(np.float32)
