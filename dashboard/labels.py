"""Readable, translated names for values that come from the data: groups, metrics, parameters, quarantine reasons.

The evaluation, the model registry and the ingest write machine names
("ndcg@10 warm", "no_components", "foreign location: 'Makati' is outside
Indonesia"); a reader should see "NDCG@10 (lowongan lama)", "Komponen laten"
and "Lokasi di luar negeri" in their language. Names that are the same in
both languages (province names, waves, age bands) pass through unchanged;
everything else has a message in :mod:`dashboard.i18n`, which the tests check
against what the evaluation and the ingest can produce.
"""

from __future__ import annotations

import re

from dashboard.i18n import has_message, t

#: Segment groups whose value is a code, not a name (gender, yes/no, urban/rural, new/returning, unknown).
GROUP_VALUES = ("F", "M", "yes", "no", "urban", "rural", "new", "returning", "unknown")
#: Segments whose groups are names already (provinces, waves, age bands such as "25-34").
NEUTRAL_SEGMENTS = ("province", "wave", "age_band")

_METRIC = re.compile(r"^(?P<validation>validation )?(?P<name>[a-z_]+(?: [a-z]+)*)(?:@(?P<k>\d+))?(?: (?P<qualifier>warm|cold|ci_low|ci_high))?$")
METRIC_NAMES = ("precision", "recall", "ndcg", "map", "hit_rate", "auc", "coverage", "novelty",
                "within reach", "connected", "median km", "widened or empty")  # the last four: recommender.list_quality
METRIC_QUALIFIERS = ("warm", "cold", "ci_low", "ci_high")
#: Run facts that are not ranking metrics (timings and sizes of a training).
RUN_FACTS = ("fit_seconds", "recommend_seconds", "train_seconds", "interactions", "users", "items")

#: Every parameter the line-up's models record (``get_params``), nested blend parts included.
PARAMETERS = (
    "loss", "no_components", "learning_rate", "item_alpha", "user_alpha", "epochs", "num_threads", "max_sampled",
    "user_identity", "item_identity", "normalize", "shown_negatives", "train_items", "align_shared", "align_weights",
    "exact_families", "random_state", "national_share", "family_weights", "other_weight", "weight", "normalization",
    "lightfm", "content", "base", "base_params", "distance_weight", "connection_rule", "evidence_applicants",
    "own_weight", "popularity_weight", "staleness_weight", "windows",
)

#: Quarantine reasons by how they start (the ingest writes "<kind>: <detail>"), most specific first.
QUARANTINE_REASONS = (
    (re.compile(r"^missing title"), "reason_missing_title"),
    (re.compile(r"^missing source id"), "reason_missing_id"),
    (re.compile(r"^empty row"), "reason_empty_row"),
    (re.compile(r"^URL longer than"), "reason_url_too_long"),
    (re.compile(r"^(unsafe|unsupported|refused|invalid) URL|^URL (scheme|not)", re.IGNORECASE), "reason_bad_url"),
    (re.compile(r"^foreign location"), "reason_foreign_location"),
    (re.compile(r"^unparseable date"), "reason_bad_date"),
    (re.compile(r"^unreadable salary"), "reason_unreadable_salary"),
    (re.compile(r"^absurd salary"), "reason_absurd_salary"),
    (re.compile(r"^\S+ amount kept unconverted"), "reason_unconverted_currency"),
    (re.compile(r"^(salary|amount) (too large|out of range|overflow)|overflow", re.IGNORECASE), "reason_absurd_salary"),
    (re.compile(r"^invalid JSON-LD"), "reason_invalid_jsonld"),
    (re.compile(r"^invalid JSON"), "reason_invalid_json"),
    (re.compile(r"^unreadable CSV row"), "reason_unreadable_csv"),
    (re.compile(r"^wrong column count"), "reason_column_count"),
    (re.compile(r"^broken encoding"), "reason_broken_encoding"),
    (re.compile(r"too long|longer than", re.IGNORECASE), "reason_too_long"),
)
OTHER_REASON = "reason_other"
#: Notes the product itself writes on model runs (``prakerja evaluate``, a training started from the dashboard).
_EVALUATION_NOTE = re.compile(r"^evaluation of (?P<model>\S+) on the (?P<split>\S+) split(?P<default> \(default)?")
DASHBOARD_NOTES = ("dashboard", "started from the dashboard")


def segment_label(segment: str, lang: str) -> str:
    """The name of a segment ("history" -> "Riwayat")."""
    return t(f"dim_{segment}", lang)


def group_label(segment: str, group, lang: str) -> str:
    """A group of a segment as a reader names it ("F" -> "Perempuan"); names pass through."""
    text = "" if group is None else str(group)
    if segment in NEUTRAL_SEGMENTS or text not in GROUP_VALUES:
        return text
    return t(f"group_{text}", lang)


def metric_label(name: str, lang: str) -> str:
    """"validation ndcg@10" -> "NDCG@10 (validasi)", "recall@10 cold" -> "Recall@10 (lowongan baru)"."""
    if name in RUN_FACTS:
        return t(f"fact_{name}", lang)
    match = _METRIC.match(name)
    if match is None or match["name"] not in METRIC_NAMES:
        return name
    text = t(f"metric_{match['name'].replace(' ', '_')}", lang) + (f"@{match['k']}" if match["k"] else "")
    notes = []
    if match["validation"]:
        notes.append(t("metric_validation", lang))
    if match["qualifier"]:
        notes.append(t(f"metric_{match['qualifier']}", lang))
    return text + (f" ({', '.join(notes)})" if notes else "")


def parameter_label(name: str, lang: str) -> str:
    """"no_components" -> "Komponen laten"; a nested blend part reads "LightFM: Epoch"."""
    parts = name.split(".")
    labels = [t(f"param_{part}", lang) if has_message(f"param_{part}") else part for part in parts]
    return ": ".join(labels)


def reason_key(reason: str) -> str:
    """The message key of a quarantine reason's kind (``reason_other`` when the kind is new)."""
    for pattern, key in QUARANTINE_REASONS:
        if pattern.search(reason or ""):
            return key
    return OTHER_REASON


def reason_label(reason: str, lang: str) -> str:
    """A quarantine reason's kind in the reader's language."""
    return t(reason_key(reason), lang)


def note_label(note: str | None, lang: str) -> str:
    """A run's note in the reader's language when the product wrote it; a person's own note as written."""
    if not note:
        return ""
    if note in DASHBOARD_NOTES:
        return t("note_dashboard", lang)
    match = _EVALUATION_NOTE.match(note)
    if match is None:
        return note
    text = t("note_evaluation", lang, model=match["model"], split=t(f"split_{match['split']}", lang) if has_message(f"split_{match['split']}") else match["split"])
    return text + (t("note_default", lang) if match["default"] else "")
