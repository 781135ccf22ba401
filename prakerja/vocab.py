"""The closed sets of values the schema accepts, in one place.

Columns in :mod:`prakerja.models` are CHECK-constrained to these tuples; code
elsewhere imports them instead of repeating string literals.
"""

REGENCY_KINDS = ("kabupaten", "kota")
SKILL_KINDS = ("hard", "soft", "certificate")
LANGS = ("id", "en")
PROVIDER_KINDS = ("digital_platform", "lpk", "university", "company", "government")
COURSE_MODES = ("online", "offline", "blended")

GENDERS = ("F", "M")
EDUCATION_LEVELS = ("sd", "smp", "sma", "smk", "diploma", "s1", "s2")
EMPLOYMENT_STATUSES = ("employed", "self_employed", "unemployed")
OUTCOME_SOURCES = ("survey", "admin", "demo", "feedback")

LOCATION_KINDS = ("regency", "province", "national", "remote", "foreign", "unknown")
EMPLOYMENT_TYPES = ("fullTime", "partTime", "contract", "internship", "freelance", "temporary", "volunteer", "other")
VACANCY_STATUSES = ("active", "expired", "removed", "filled")
SOURCE_STATUSES = ("active", "removed")
RUN_STATUSES = ("running", "finished", "failed")
ROW_OUTCOMES = ("created", "updated", "merged", "unchanged", "quarantined")

INTERACTION_KINDS = ("shown", "clicked", "saved", "applied", "dismissed", "hired")
ROLES = ("participant", "partner", "manager", "researcher")

# Programme constants from public reporting (docs/demo-data.md gives sources).
INCENTIVE_PER_MONTH_IDR = 600_000
INCENTIVE_MONTHS = 4

# How far a participant will go for work: within commuting distance of home, anywhere in the home
# province, anywhere in Indonesia, or only remote work (recommender.reach).
REACH_KINDS = ("commute", "province", "anywhere", "remote")
# Online experiments: what they compare arms on (rates per participant), and where they are in their life.
EXPERIMENT_METRICS = ("saved", "applied", "hired")
EXPERIMENT_STATUSES = ("draft", "running", "stopped")
