"""The features the occupation model reads from a posting: words, word pairs and letter runs.

A job title is short and mixes Bahasa Indonesia and English ("Staf Akuntansi",
"Admin Gudang", "Sr. Backend Engineer | Makati"), so the model sees it at three
grains: its words, its adjacent word pairs, and the 3- to 5-letter runs inside
each word (which carry "akuntan" in "akuntansi" and "developer" in the
misspelt "developement" to words no label contained). The first segment of a
title (before " | ", " - " or "(") usually names the job and the rest the place
or the account, so its words count a second time as head words.

Seniority, contract and schedule words ("Senior", "Staf", "Magang",
"[1 Month Contract]", "Work from Home") are dropped before anything else: they
say how the job is held, not which job it is, so they must not decide the group.

The department, where a board gives one, adds its words under their own prefix;
the keyword rules (:mod:`jobs_ingest.occupation_rules`) add their answer as a
hint the model learns how far to trust.
"""

from __future__ import annotations

import re
import unicodedata

from jobs_ingest.occupation_rules import OccupationRules

# How the job is held, not which job: never a feature.
HOLDING_WORDS = frozenset(
    """
    senior sr snr junior jr jnr mid staff staf intern interns internship internhip magang permagangan freelance
    freelancer contract kontrak month months bulan temporary temp part full time fulltime parttime remote wfh wfo
    hybrid onsite based work home dayshift nightshift midshift shift day night permanent urgent urgently segera
    dibutuhkan hiring paid walk interview fresh graduates graduate accepting experience required needed
    i ii iii iv v vi
    """.split()
)
# Words that join others and name nothing.
STOP_WORDS = frozenset("with without no for at of the and dan di in to a an or from on by as".split())
HEAD_BREAK = re.compile(r"\s[|\-–]\s|\(|\[|\||,|/")
TOKEN = re.compile(r"[a-z][a-z0-9#+]+|[0-9]+[a-z]+[a-z0-9]*")  # single letters ("N/A", "I") name nothing
CHAR_GRAMS = (3, 4, 5)
DEPARTMENT_UNKNOWN = frozenset({"n a", "na", "none", "-", ""})


def fold(text: str | None) -> str:
    """Lower case without accents, ``&`` spelt out: ``"F&B Café"`` -> ``"f and b cafe"``."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("&", " and ")


def job_words(text: str | None) -> list[str]:
    """The words of a title that can say which job it is (holding words and bare numbers dropped)."""
    return [word for word in TOKEN.findall(fold(text)) if word not in HOLDING_WORDS and word not in STOP_WORDS]


def _head(title: str | None) -> str:
    """The part of a title before its first separator, or the whole title when that part names nothing."""
    text = fold(title)
    for part in HEAD_BREAK.split(text):
        if job_words(part):
            return part
    return text


def title_features(title: str | None) -> list[str]:
    """Feature names of a title: ``w:`` words, ``b:`` word pairs, ``h:`` head words, ``c:`` letter runs."""
    words = job_words(title)
    features = [f"w:{word}" for word in words]
    features += [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    features += [f"h:{word}" for word in job_words(_head(title))]
    for word in words:
        padded = f"<{word}>"
        for n in CHAR_GRAMS:
            features += [f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1)]
    return features


def department_features(department: str | None) -> list[str]:
    """``d:`` words of a board's department; nothing for a missing one ("N/A")."""
    if department is None or fold(department).strip() in DEPARTMENT_UNKNOWN:
        return []
    return [f"d:{word}" for word in job_words(department)]


def hint_features(rule_code: str | None, names_manager: bool) -> list[str]:
    """The keyword rules' answer as features: its sub-major and major group, and whether a manager is named."""
    features = ["m:manager"] if names_manager else []
    if rule_code:
        features += [f"r:{rule_code[:2]}", f"r:{rule_code[:1]}"]
    return features


def posting_features(rules: OccupationRules, title: str | None, department: str | None) -> list[str]:
    """All features of a posting: its title, its department and the keyword rules' hint."""
    hint = rules.classify(title, department=department, fallback=False)
    return (
        title_features(title)
        + department_features(department)
        + hint_features(hint.code if hint else None, rules.names_manager(title or ""))
    )
