"""Pydantic models of every request and response of the service (they make the OpenAPI at /docs)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from jobs_ingest.normalize import DESCRIPTION_MAX
from prakerja import vocab

FeedbackKind = Literal["clicked", "saved", "applied", "dismissed", "hired"]
RowOutcome = Literal["created", "updated", "merged", "unchanged", "quarantined"]
VacancyStatus = Literal["active", "expired", "removed", "filled"]
Role = Literal["participant", "partner", "manager", "researcher"]



class ApiModel(BaseModel):
    """Every request and response model: NaN and infinity are refused.

    They are not JSON (``JSON.parse`` fails on a bare NaN), so a response that
    would carry one fails in the service, where it is logged, instead of in
    every client; a request carrying one is invalid input (422).
    """

    model_config = ConfigDict(allow_inf_nan=False)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters (\\u0000) are not allowed in text")
    return value


#: Text of a request: refused (422) when it holds a NUL, which PostgreSQL cannot store.
Text = Annotated[str, AfterValidator(_no_nul)]

#: Longest description a partner may send: longer ones are refused (422); up to this they are
#: accepted and cut to DESCRIPTION_MAX at ingest, so a long posting never fails its batch.
DESCRIPTION_FIELD_MAX = 50_000


def as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


#: The database keeps naive UTC times; the API says so (RFC 3339 needs the offset).
UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]

TYPES_PATTERN = r"^[A-Za-z]+(,[A-Za-z]+)*$"
TYPES_HELP = f"Comma-separated employment types, any of: {', '.join(vocab.EMPLOYMENT_TYPES)}."


def parse_types(value: str | None) -> tuple[str, ...] | None:
    """``"fullTime,contract"`` -> a tuple of known employment types (ValueError names the unknown ones)."""
    if value is None:
        return None
    types = tuple(dict.fromkeys(t.strip() for t in value.split(",") if t.strip()))
    unknown = [t for t in types if t not in vocab.EMPLOYMENT_TYPES]
    if unknown:
        raise ValueError(f"unknown employment type {', '.join(unknown)}; choose from {', '.join(vocab.EMPLOYMENT_TYPES)}")
    return types or None


# ---------------------------------------------------------------------- errors and health


class ErrorDetail(ApiModel):
    location: str = Field(description="Where the input is wrong, e.g. query.k or body.postings.0.title.")
    message: str


class ErrorBody(ApiModel):
    """The body of every error response."""

    error: str = Field(description="Short code: unauthorized, forbidden, not_found, invalid_input, rate_limited, ...")
    message: str = Field(description="What is wrong, in a sentence.")
    details: list[ErrorDetail] | None = None


class Health(ApiModel):
    status: Literal["ok"]


class Readiness(ApiModel):
    status: Literal["ready", "not ready"]
    database: bool
    model_loaded: bool
    model_run_id: int | None = Field(None, description="The promoted run served; null for the content fallback.")
    vacancies: int | None = Field(None, description="Vacancies in the served catalogue.")
    problems: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------------- recommendations


class RecommendationQuery(ApiModel):
    """Filters of a participant's recommendations."""

    k: int = Field(10, ge=1, le=100, description="How many vacancies.")
    radius_km: float | None = Field(None, gt=0, le=6000, description="Only vacancies within this distance of home.")
    province: bool = Field(False, description="Only vacancies in the participant's own province.")
    min_wage: int | None = Field(None, ge=0, le=10_000_000_000, description="Only vacancies offering at least this (IDR a month).")
    types: str | None = Field(None, max_length=200, pattern=TYPES_PATTERN, description=TYPES_HELP)
    remote: bool = Field(True, description="Include remote vacancies.")

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: str | None) -> str | None:
        parse_types(value)
        return value


class MatchedSkill(ApiModel):
    skill: str
    source: str = Field(description="The training that gave the skill, or 'declared at registration'.")


class Contribution(ApiModel):
    feature: str
    value: float


class Explanation(ApiModel):
    matched_skills: list[MatchedSkill]
    missing_skills: list[str]
    distance_km: float | None
    wage_before: int | None
    wage_gain: int | None
    contributions: list[Contribution] = Field(description="The model's own largest score shares.")
    connected: bool | None = Field(
        description="Asks for a skill, occupation or course of the participant's; null when the model does not say."
    )
    similar_applicants: int | None = Field(description="Participants like this one who applied to it.")
    chosen_by_similar_applicants: bool = Field(
        description="Not connected, but ranked because enough similar participants applied (\"dipilih karena peserta serupa melamar\")."
    )


class Recommendation(ApiModel):
    rank: int
    score: float
    vacancy_id: int
    title: str
    company: str | None
    regency: str | None
    province: str | None
    salary_min: int | None
    salary_max: int | None
    employment_types: list[str]
    posted_at: UtcDatetime | None
    url: str | None
    explanation: Explanation


ReachKind = Literal["commute", "province", "anywhere", "remote"]
ReachScope = Literal["commute", "province", "anywhere", "remote"]


class ReachOut(ApiModel):
    """How far the participant will go for work."""

    kind: ReachKind = Field(description="commute: within commute_km of home; province; anywhere; remote: remote work only.")
    commute_km: int = Field(description="Commuting distance for kind 'commute' (km between regency centres).")
    chosen: bool = Field(description="False: the default from the participant's home regency.")


class ReachIn(ApiModel):
    """A participant's new reach; kind null returns to the default."""

    model_config = ConfigDict(extra="forbid")

    kind: ReachKind | None
    commute_km: int | None = Field(None, ge=1, le=500, description="Only for kind 'commute' (default by home regency).")


class ReachAnswer(ApiModel):
    participant: str
    reach: ReachOut


class RecommendationList(ApiModel):
    participant: str = Field(description="The id (participant keys) or pseudonym (researcher keys) asked for.")
    model_run_id: int | None = Field(description="The model run that ranked these; null for the content fallback.")
    data_as_of: dt.date = Field(description="The day the list is judged at: vacancies open then (\"Data per ...\").")
    reach: ReachOut
    scope_shown: ReachScope | None = Field(
        description="The scope the list shows: the reach itself or a widening of it; null when a place filter of the query decided."
    )
    notice: str | None = Field(
        description="What the list did (widened: \"Tidak ada lowongan dalam 25 km; ...\") or why it is empty, in Bahasa Indonesia."
    )
    empty_reason: Literal["no_active_vacancies", "filters", "all_acted_on"] | None
    recommendations: list[Recommendation]


# ---------------------------------------------------------------------- feedback and next training


class FeedbackIn(ApiModel):
    model_config = ConfigDict(extra="forbid")

    vacancy_id: int = Field(ge=1, le=2**62)
    kind: FeedbackKind
    client_key: Text | None = Field(
        None, min_length=1, max_length=80,
        description="Makes the post idempotent: sending the same key again stores nothing new and answers the same.",
    )
    model_run_id: int | None = Field(None, ge=1, le=2**31 - 1, description="The run whose recommendation this answers.")


class FeedbackOut(ApiModel):
    interaction_id: int
    participant: str
    vacancy_id: int
    kind: FeedbackKind
    client_key: str | None


class CourseSuggestion(ApiModel):
    course_id: int
    title: str
    provider: str
    unlocks: int = Field(description="Additional good matches the course would unlock.")
    vacancy_ids: list[int]


class NextTrainingOut(ApiModel):
    participant: str
    suggestion: CourseSuggestion | None = Field(description="Null when no course would unlock more matches.")


# ---------------------------------------------------------------------- vacancies


class VacancyQuery(ApiModel):
    """Filters and keyset pagination of the vacancy list (ordered by id)."""

    province: str | None = Field(None, pattern=r"^\d{2}$", description="2-digit province code.")
    regency: str | None = Field(None, pattern=r"^\d{4}$", description="4-digit regency/city code.")
    status: VacancyStatus | None = Field("active", description="Vacancy status (default active).")
    occupation: str | None = Field(None, pattern=r"^\d{1,6}$", description="KBJI code or prefix, e.g. 7212 or 72.")
    min_wage: int | None = Field(None, ge=0, le=10_000_000_000)
    types: str | None = Field(None, max_length=200, pattern=TYPES_PATTERN, description=TYPES_HELP)
    remote: bool | None = None
    q: Text | None = Field(None, min_length=1, max_length=100, description="Words in the title (case-insensitive).")
    limit: int = Field(20, ge=1, le=100)
    after: int = Field(0, ge=0, le=2**62, description="Return vacancies with an id above this (the previous page's next_after).")

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: str | None) -> str | None:
        parse_types(value)
        return value


class VacancySummary(ApiModel):
    id: int
    title: str
    company: str | None
    regency_code: str | None
    regency: str | None
    province_code: str | None
    province: str | None
    remote: bool
    salary_min: int | None
    salary_max: int | None
    employment_types: list[str]
    occupation_code: str | None
    posted_at: UtcDatetime | None
    expires_at: UtcDatetime | None
    status: VacancyStatus


class VacancyPage(ApiModel):
    vacancies: list[VacancySummary]
    next_after: int | None = Field(description="Pass as `after` for the next page; null on the last page.")


class VacancySkillOut(ApiModel):
    slug: str
    name: str
    required: bool


class VacancySourceOut(ApiModel):
    board: str
    url: str | None
    status: str
    first_seen: UtcDatetime
    last_seen: UtcDatetime


class VacancyDetail(VacancySummary):
    description: str | None
    department: str | None
    job_level: str | None
    location_text: str | None
    location_kind: str
    salary_text: str | None
    skills: list[VacancySkillOut]
    sources: list[VacancySourceOut]


class PostingIn(ApiModel):
    """One posting as the partner board publishes it; the product normalizes it like any ingested row."""

    model_config = ConfigDict(extra="forbid")

    source_id: Text = Field(min_length=1, max_length=1000, description="The board's own id of the posting (or its URL).")
    title: Text | None = Field(None, max_length=1000)
    url: Text | None = Field(None, max_length=1000)
    company: Text | None = Field(None, max_length=1000)
    company_url: Text | None = Field(None, max_length=1000)
    location: Text | None = Field(None, max_length=1000, description="Free text: 'Kota Surabaya', 'Sidoarjo, Jawa Timur', 'Remote'.")
    department: Text | None = Field(None, max_length=1000)
    description: Text | None = Field(
        None, max_length=DESCRIPTION_FIELD_MAX,
        description=f"At most {DESCRIPTION_FIELD_MAX:,} characters; the first {DESCRIPTION_MAX:,} are kept (as at every ingest).",
    )
    salary: Text | None = Field(None, max_length=1000, description="Free text: 'Rp4.000.000 - Rp5.500.000 per bulan'.")
    salary_currency: Text | None = Field(None, max_length=10)
    employment_type: Text | None = Field(None, max_length=200, description="Free text: 'Full-time', 'Kontrak'.")
    job_level: Text | None = Field(None, max_length=200)
    posted_at: Text | None = Field(None, max_length=100, description="Any common date format.")
    apply_end: Text | None = Field(None, max_length=100)
    is_active: bool | None = None


class VacancyBatchIn(ApiModel):
    model_config = ConfigDict(extra="forbid")

    postings: list[PostingIn] = Field(min_length=1, max_length=1000)


class PostingResult(ApiModel):
    index: int = Field(description="Position in the batch (0-based).")
    source_id: str
    outcome: RowOutcome
    vacancy_id: int | None = Field(description="The vacancy created, updated or merged into.")
    reason: str | None = Field(None, description="Why the posting was quarantined.")


class VacancyBatchOut(ApiModel):
    run_id: int
    board: str = Field(description="The board name the postings were stored under.")
    counts: dict[RowOutcome, int]
    quarantine_reasons: dict[str, int]
    postings: list[PostingResult]


# ---------------------------------------------------------------------- models


class ModelRunOut(ApiModel):
    id: int
    algorithm: str
    params: dict[str, Any]
    metrics: dict[str, Any]
    created_at: UtcDatetime | None
    promoted: bool
    promoted_at: UtcDatetime | None
    notes: str | None
    has_artifact: bool


class ModelList(ApiModel):
    served_run_id: int | None = Field(description="The run this worker serves now (null: the content fallback).")
    runs: list[ModelRunOut]


class PromoteOut(ApiModel):
    run: ModelRunOut
    served_run_id: int | None = Field(description="The run this worker serves after the switch.")
