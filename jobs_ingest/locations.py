"""Job location text -> a Kemendagri region (or national, remote, abroad, unknown).

Postings name places every way people do: "Sidoarjo Regency", "Kab. Bogor",
"Jakarta Selatan", "South Jakarta", "Cikarang", "Tangerang Selatan, Banten",
"Remote (Indonesia)", "Jakarta, Bandung, Surabaya", "Surabya", and, on
regional boards, "Makati" or "Quezon City". The recommender filters and
ranks by region, so every string gets one resolution with a confidence.

How a string is read (docs/normalization.md gives the reasons):

1. remote and hybrid markers are taken out ("Hybrid - Jakarta" is Jakarta,
   not remote; "Remote (Indonesia)" is remote);
2. the rest is split into places at commas, slashes, " - ", parentheses...;
3. each place is looked up whole, then with its marker ("Kab.", "Kota",
   "Regency", "City", "Provinsi"...) read and removed, then as a run of known
   names ("Cikarang Bekasi"), and only then fuzzily (small typos);
4. a later place that contains an earlier one qualifies it ("Bogor, Jawa
   Barat"; "Kuningan, Jawa Barat" is Kabupaten Kuningan), otherwise it is
   one of the ``others``.

A bare name that is both a kota and a kabupaten ("Bogor", "Bekasi") is the
kota; "Jakarta" alone is the province; names of places abroad (the
Philippines, Singapore, Malaysia, the USA...) are matched before fuzzy
matching so they never become Indonesian.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from prakerja.reference.paths import REFERENCE_DIR
from prakerja.reference.regions import read_provinces, read_regencies

PLACE_ALIASES_FILE = REFERENCE_DIR / "place_aliases.csv"
FOREIGN_PLACES_FILE = REFERENCE_DIR / "foreign_places.csv"

INDONESIA = "ID"
# Fuzzy matches below this rapidfuzz ratio are not trusted: one letter missing or
# added in a six-letter name scores 90.9, one wrong letter in an eight-letter name
# 87.5, in a seven-letter name 85.7 - as close as many Philippine names are to
# Indonesian ones (Malinao/Malinau, Panitan/Pacitan), so that is refused.
FUZZY_CUTOFF = 86.0
FUZZY_MIN_LENGTH = 5
SCORE_MARKER_CONTRADICTED = 0.9  # "Surabaya Regency": there is only a Kota Surabaya
SCORE_SEGMENTED = 0.9  # a known name found inside longer text ("Kantor Cabang Medan")
SCORE_CAPITAL = 0.9  # the seat of a kabupaten stands for the kabupaten
SCORE_SWAPPED_LETTERS = 0.85  # "Jakatra": two neighbouring letters swapped
SCORE_FOREIGN_GUESS = 0.6  # not in the gazetteer but Spanish-style, as Philippine places are


@dataclass(frozen=True)
class Location:
    """Where a vacancy is.

    ``kind`` is one of ``vocab.LOCATION_KINDS``. ``regency_code`` (4-digit
    Kemendagri) is set for kind "regency", ``province_code`` (2-digit) for
    "regency" and "province"; a regency code always starts with its province
    code. ``remote`` is True when the posting says the work is remote, also
    when it names a place ("Remote - Jakarta" is kind "province", remote).
    ``others`` are the texts of further places in a multi-place string, each
    resolvable on its own. ``matched`` is the gazetteer name that was matched,
    ``score`` 1.0 for an exact match and lower for fuzzy or indirect ones.
    ``country`` is the ISO 3166 code of the place ("ID" for Indonesian
    places, "PH" for Makati, None when unknown or several countries).
    """

    kind: str
    regency_code: str | None = None
    province_code: str | None = None
    remote: bool = False
    others: tuple[str, ...] = ()
    matched: str | None = None
    score: float = 0.0
    country: str | None = None


UNKNOWN = Location(kind="unknown")


@dataclass(frozen=True)
class _Place:
    """One gazetteer entry: a region of Indonesia, Indonesia itself, or a place abroad."""

    kind: str  # "regency", "province", "national", "foreign", "supranational"
    name: str
    country: str | None = INDONESIA
    regency_code: str | None = None
    province_code: str | None = None
    level: str = ""  # "kota"/"kabupaten" for regencies; "country", "city"... abroad
    rank: int = 0  # lower wins among entries of the same name
    scannable: bool = True  # may be found inside longer text, not only as a whole part


# Ranks: a bare name is the kota, then a named district, the province, the
# kabupaten, a kabupaten's seat; places abroad come after every Indonesian reading.
_RANK = {"kota": 0, "alias": 1, "province": 2, "national": 2, "kabupaten": 3, "capital": 4, "foreign": 5}

# Words before or after a name that say what kind of place it is.
_PREFIX_MARKERS = sorted(
    {
        "kabupaten administrasi": "kabupaten", "kabupaten": "kabupaten", "regency of": "kabupaten",
        "kota administrasi": "kota", "kota": "kota", "city of": "kota", "lungsod ng": "kota", "lungsod": "kota",
        "provinsi": "province", "province of": "province",
        "kecamatan": "district", "kelurahan": "district", "desa": "district", "district of": "district",
    }.items(),
    key=lambda item: -len(item[0]),  # longest first: "kota administrasi" before "kota"
)
_SUFFIX_MARKERS = sorted(
    {
        "regency": "kabupaten", "kabupaten": "kabupaten", "city": "kota", "kota": "kota",
        "province": "province", "provinsi": "province", "district": "district",
    }.items(),
    key=lambda item: -len(item[0]),
)

# Abbreviations and spellings unified before any lookup, on whole words.
_WORD_FORMS = {
    "kab": "kabupaten", "kabupatan": "kabupaten", "kodya": "kota", "kotamadya": "kota",
    "kotif": "kota", "kot": "kota", "adm": "administrasi", "prov": "provinsi", "propinsi": "provinsi",
    "kec": "kecamatan", "kel": "kelurahan", "kep": "kepulauan", "kepl": "kepulauan", "sumatra": "sumatera",
    "jogjakarta": "yogyakarta", "djakarta": "jakarta", "jkt": "jakarta",
}
# "South Jakarta" -> "Jakarta Selatan", "West Java" -> "Jawa Barat".
_ENGLISH_DIRECTIONS = {
    "north": "utara", "south": "selatan", "east": "timur", "west": "barat", "central": "tengah",
    "southeast": "tenggara", "southwest": "barat daya", "northeast": "timur laut", "northwest": "barat laut",
}
_ENGLISH_NAMES = {"java": "jawa", "sumatra": "sumatera", "celebes": "sulawesi", "borneo": "kalimantan"}

_REMOTE = re.compile(
    r"\b(?:fully remote|remote first|remote friendly|remote|work ?from ?home|wfh|work ?from ?anywhere|wfa|"
    r"anywhere|kerja dari rumah|dari rumah|telecommute|telework|distributed)\b",
    re.IGNORECASE,
)
_HYBRID = re.compile(r"\b(?:hybrid|hibrida|wfo|work ?from ?office|on ?site|onsite|in office|office)\b", re.IGNORECASE)
_SPLIT = re.compile(r"\s[-–—]\s|[,;/|()\[\]\n•·+&]|\s(?:and|dan|atau|or)\s", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_ISLAND_PREFIX = re.compile(r"^(?:Kepulauan|Kep\.|Pulau)\s+")
# A part that is a street, building or unit ("Jl. Raya Bogor KM 30") names places only by accident.
_ADDRESS = re.compile(
    r"^\s*(?:jl|jln|jalan|street|st|road|rd|avenue|ave|gedung|gd|tower|menara|wisma|plaza|lantai|lt|floor|fl|"
    r"rt|rw|no|nomor|komplek|kompleks|komp|perumahan|ruko|kav|kavling|unit|suite|building|bldg)\b\.?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\b\d+\b")
# Spanish-style names are Philippine (or Latin American) places, never Indonesian ones.
_SPANISH_STYLE = re.compile(r"\b(?:san|santa|santo|sta|sto|del|de la|de los|las|los|la)\b")
# Common words that are also short regency names; found inside longer text they mean the word.
_NOT_SCANNED = frozenset({
    "batu", "bone", "pati", "lebak", "puncak", "raya", "jaya", "tanjung", "karo", "buru", "agam", "tual", "sigi",
    "alor", "kaur", "muna", "benda", "pare", "kuta", "maros", "deli",
})
# Names shorter than five letters are found inside longer text only when they are this well known.
_SHORT_SCANNED = frozenset({
    "bali", "riau", "aceh", "palu", "solo", "siak", "bima", "nias", "dili", "kl", "ncr", "bgc", "ikn", "pik", "bsd",
    "kiic",
})


def _fold(text: str) -> str:
    """Lower case without accents: "Parañaque" -> "paranaque"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _words(text: str) -> str:
    """Normalized words: folded, punctuation to spaces, abbreviations expanded."""
    words = _NON_WORD.sub(" ", _fold(text)).split()
    return " ".join(_WORD_FORMS.get(word, word) for word in words)


def _key(words: str) -> str:
    """Spaces out, so "Tanjung Balai" == "Tanjungbalai" and "Bau-Bau" == "Baubau"."""
    return words.replace(" ", "")


def _english_to_indonesian(words: str) -> str | None:
    """ "south jakarta" -> "jakarta selatan"; None when there is nothing to translate."""
    parts = words.split()
    translated = [_ENGLISH_NAMES.get(word, word) for word in parts]
    if translated and translated[0] in _ENGLISH_DIRECTIONS and len(translated) > 1:
        translated = translated[1:] + [_ENGLISH_DIRECTIONS[translated[0]]]
    result = " ".join(translated)
    return result if result != words else None


@dataclass
class _Gazetteer:
    """Every name the resolver knows, by normalized key."""

    by_key: dict[str, list[_Place]] = field(default_factory=dict)
    scan_words: dict[str, str] = field(default_factory=dict)  # spaced words -> key, for runs of names
    longest_scan: int = 1

    def add(self, name: str, place: _Place) -> None:
        words = _words(name)
        if not words:
            return
        entries = self.by_key.setdefault(_key(words), [])
        if place not in entries:
            entries.append(place)
            entries.sort(key=lambda entry: entry.rank)
        single_short = " " not in words and (len(words) < 5 and words not in _SHORT_SCANNED)
        if place.scannable and words not in _NOT_SCANNED and not single_short:
            self.scan_words[words] = _key(words)
            self.longest_scan = max(self.longest_scan, len(words.split()))

    def get(self, words: str) -> list[_Place]:
        return self.by_key.get(_key(words), [])


def _regency_place(row: dict, rank_kind: str, *, scannable: bool = True) -> _Place:
    return _Place(
        kind="regency",
        name=row["name"],
        regency_code=row["code"],
        province_code=row["province_code"],
        level=row["kind"],
        rank=_RANK[rank_kind],
        scannable=scannable,
    )


def _province_place(row: dict, rank_kind: str = "province") -> _Place:
    return _Place(kind="province", name=row["name"], province_code=row["code"], level="province", rank=_RANK[rank_kind])


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


_NATIONAL_NAMES = (
    "Indonesia", "Republic of Indonesia", "Republik Indonesia", "RI", "NKRI", "IDN", "Seluruh Indonesia",
    "All Indonesia", "Nationwide", "Nasional", "Indonesia Raya", "Semua Kota", "All Cities", "Multiple Cities",
    "Various Locations", "Multiple Locations", "Berbagai Kota", "Berbagai Lokasi", "Beberapa Kota", "Seluruh Kota",
)


@cache
def gazetteer() -> _Gazetteer:
    """Build the name index once: 514 regencies, 38 provinces, aliases, places abroad."""
    gazette = _Gazetteer()
    regencies, provinces = read_regencies(), read_provinces()
    national = _Place(kind="national", name="Indonesia", level="country", rank=_RANK["national"])
    for name in _NATIONAL_NAMES:
        gazette.add(name, national)
    _add_official_names(gazette, regencies, provinces)
    _add_aliases(gazette, regencies, provinces)
    _add_seats(gazette, regencies)
    _add_places_abroad(gazette)
    return gazette


def _add_official_names(gazette: _Gazetteer, regencies: list[dict], provinces: list[dict]) -> None:
    """Short names ("Bogor"), English forms ("South Jakarta") and island names ("Mentawai Islands")."""
    for row in provinces:
        for name in (row["name"], _indonesian_to_english(_words(row["name"]))):
            if name:
                gazette.add(name, _province_place(row))
    for row in regencies:
        place = _regency_place(row, row["kind"])
        gazette.add(row["short_name"], place)
        english = _indonesian_to_english(_words(row["short_name"]))
        if english:
            gazette.add(english, place)
        island = _ISLAND_PREFIX.sub("", row["short_name"])
        if island != row["short_name"]:
            gazette.add(island, place)
            gazette.add(f"{island} Islands", place)


def _add_aliases(gazette: _Gazetteer, regencies: list[dict], provinces: list[dict]) -> None:
    """data/reference/place_aliases.csv: other names of provinces and cities, and districts."""
    by_name = {row["name"]: _regency_place(row, "alias") for row in regencies}
    by_name.update({row["name"]: _province_place(row, "alias") for row in provinces})
    for row in _read_csv(PLACE_ALIASES_FILE):
        gazette.add(row["alias"], by_name[row["place"]])  # a missing target is a broken data file: fail loudly


def _add_seats(gazette: _Gazetteer, regencies: list[dict]) -> None:
    """The seat of a kabupaten stands for it, when the seat's name is no other name already."""
    taken = set(gazette.by_key)
    seats = [row["capital"] for row in regencies if row["capital"]]
    for row in regencies:
        seat = row["capital"]
        if seat and seats.count(seat) == 1 and _key(_words(seat)) not in taken:
            gazette.add(seat, _regency_place(row, "capital", scannable=False))


def _add_places_abroad(gazette: _Gazetteer) -> None:
    """data/reference/foreign_places.csv; country "XX" marks regions of several countries."""
    for row in _read_csv(FOREIGN_PLACES_FILE):
        kind = "supranational" if row["kind"] == "supranational" else "foreign"
        country = None if row["country"] == "XX" else row["country"]
        place = _Place(kind=kind, name=row["name"], country=country, level=row["kind"], rank=_RANK["foreign"])
        gazette.add(row["name"], place)


def _indonesian_to_english(words: str) -> str | None:
    """ "jakarta selatan" -> "south jakarta": the English form postings also use."""
    parts = words.split()
    reverse = {value: key for key, value in _ENGLISH_DIRECTIONS.items() if " " not in value} | {"pusat": "central"}
    if len(parts) > 1 and " ".join(parts[-2:]) == "barat daya":
        return " ".join(["southwest", *parts[:-2]])
    if len(parts) > 1 and parts[-1] in reverse:
        names = {value: key for key, value in _ENGLISH_NAMES.items()}
        return " ".join([reverse[parts[-1]], *(names.get(word, word) for word in parts[:-1])])
    return None


@dataclass
class _Reading:
    """The candidates for one place in a location string."""

    text: str
    candidates: list[_Place]
    score: float


def _strip_marker(words: str) -> tuple[str, str | None]:
    for prefix, marker in _PREFIX_MARKERS:
        if words.startswith(prefix + " "):
            return words[len(prefix) + 1 :], marker
    for suffix, marker in _SUFFIX_MARKERS:
        if words.endswith(" " + suffix):
            return words[: -len(suffix) - 1], marker
    return words, None


def _fits_marker(place: _Place, marker: str | None) -> bool:
    if marker is None or marker == "district" or place.kind in ("foreign", "supranational"):
        return True
    if marker == "province":
        return place.kind == "province"
    return place.kind == "regency" and place.level == marker


def _lookup(words: str, gazette: _Gazetteer) -> tuple[list[_Place], float]:
    """Candidates for a whole part, exactly or through its marker."""
    found = gazette.get(words)
    if found:
        return found, _score_of(found)
    name, marker = _strip_marker(words)
    while marker == "district" and name:  # "Kecamatan Cikarang Barat"
        name, marker = _strip_marker(name)
    for variant in (name, _english_to_indonesian(name)):
        if not variant:
            continue
        found = gazette.get(variant)
        if found:
            fitting = [place for place in found if _fits_marker(place, marker)]
            if fitting:  # with a marker the official name beats an area alias: "Kabupaten Puncak"
                fitting.sort(key=lambda place: marker is not None and place.rank == _RANK["alias"])
                return fitting, _score_of(fitting)
            return found, SCORE_MARKER_CONTRADICTED
    return [], 0.0


def _score_of(places: list[_Place]) -> float:
    return SCORE_CAPITAL if places[0].rank == _RANK["capital"] else 1.0


def _segments(words: str, gazette: _Gazetteer) -> list[_Reading]:
    """Known names inside a longer part, longest first at each position ("cikarang bekasi").

    A misspelt name right before a known one that contains it is read too
    ("surabayaa jawa timur"); other unknown words (street, building) are skipped.
    """
    tokens = words.split()
    readings: list[_Reading] = []
    position = unknown_from = 0
    while position < len(tokens):
        for size in range(min(gazette.longest_scan, len(tokens) - position), 0, -1):
            candidate = " ".join(tokens[position : position + size])
            if candidate in gazette.scan_words:
                known = _Reading(candidate, gazette.by_key[gazette.scan_words[candidate]], SCORE_SEGMENTED)
                typo = _typo_before(tokens[unknown_from:position], known, gazette)
                readings.extend([typo, known] if typo else [known])
                position = unknown_from = position + size
                break
        else:
            position += 1
    return readings


def _typo_before(unknown: list[str], known: _Reading, gazette: _Gazetteer) -> _Reading | None:
    """A misspelt name among the last words before ``known`` that lies inside it, if any."""
    for size in range(min(3, len(unknown)), 0, -1):
        text = " ".join(unknown[-size:])
        fuzzy = _fuzzy(text)
        if fuzzy:
            candidates = [c for c in gazette.by_key[fuzzy[0]] if any(_contains(k, c) for k in known.candidates)]
            if candidates:
                return _Reading(text, candidates, round(fuzzy[1], 3))
    return None


@lru_cache(maxsize=4096)
def _fuzzy(words: str) -> tuple[str, float] | None:
    """The gazetteer key closest to a misspelt name, if close enough."""
    gazette = gazetteer()
    name, _ = _strip_marker(words)
    if len(name.replace(" ", "")) < FUZZY_MIN_LENGTH:
        return None
    choices = _fuzzy_choices()
    best = process.extractOne(name, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        best = _swapped_letters(name, choices)
    if best is None:
        return None
    choice, score, _ = best
    # Typos keep the first letter and about the length; anything else is another name.
    if choice[0] != name[0] or abs(len(choice) - len(name)) > 2:
        return None
    return gazette.scan_words.get(choice) or _key(choice), score / 100.0


def _swapped_letters(name: str, choices: list[str]) -> tuple[str, float, int] | None:
    """A name with two neighbouring letters swapped ("Jakatra"): one slip of the fingers.

    The ratio counts a swap as two edits, so a seven-letter name with a swap
    falls below the cutoff; a swap is still rare between different real
    names, unlike a single changed letter (Solon/Solok).
    """
    found = process.extractOne(name, choices, scorer=OSA.distance, score_cutoff=1)
    if found is None or Levenshtein.distance(name, found[0]) != 2:
        return None
    return found[0], SCORE_SWAPPED_LETTERS * 100, found[2]


@cache
def _fuzzy_choices() -> list[str]:
    """Names a typo may be corrected to: official names, long one-word aliases, places abroad.

    Seats of kabupaten and multi-word area aliases ("Dau Malang") are matched
    exactly only: they are obscure enough that a foreign name is more often
    close to them than a typo is.
    """
    gazette = gazetteer()
    return sorted(
        words for words, key in gazette.scan_words.items()
        if len(key) >= FUZZY_MIN_LENGTH
        and any(_fuzzy_target(words, place) for place in gazette.by_key[key])
    )


def _fuzzy_target(words: str, place: _Place) -> bool:
    if place.kind == "national":  # "Nasional" is a word; only "Indonesia" itself is a typo target
        return words == "indonesia"
    return place.rank != _RANK["alias"] or (" " not in words and len(words) >= 7)


def _read_part(text: str, gazette: _Gazetteer) -> list[_Reading]:
    """The places named in one part of a location string (usually one, or none)."""
    written = _words(text)
    words = " ".join(_DIGITS.sub(" ", written).split())  # postal codes, street numbers; but "PIK 2" is a name
    for variant in dict.fromkeys((written, words)):
        found, score = _lookup(variant, gazette) if variant else ([], 0.0)
        if found:
            return [_Reading(text.strip(), found, score)]
    if not words:
        return []
    segments = _segments(_strip_marker(words)[0], gazette)
    fuzzy = _fuzzy(words)
    if fuzzy:
        key, score = fuzzy
        marker = _strip_marker(words)[1]
        candidates = gazette.by_key[key]
        fitting = [place for place in candidates if _fits_marker(place, marker)] or candidates
        typo = _Reading(text.strip(), fitting, round(score, 3))
        # "Jakarta Selatann": the run of known names found only "Jakarta"; the typo reading is more precise.
        if not segments or any(_contains(outer, fitting[0]) for outer in segments[0].candidates):
            return [typo]
    if segments:
        # Within one phrase an Indonesian name wins: "Menara Real Jakarta" is in Jakarta, "Real" is a word here.
        indonesian = [segment for segment in segments if segment.candidates[0].country == INDONESIA]
        return indonesian or segments
    if _SPANISH_STYLE.search(words) or "ñ" in text.lower() or words.startswith("lungsod"):
        guess = _Place(kind="foreign", name=text.strip(), country=None, level="guess", rank=_RANK["foreign"])
        return [_Reading(text.strip(), [guess], SCORE_FOREIGN_GUESS)]
    return []


def _contains(outer: _Place, inner: _Place) -> bool:
    """True when ``outer`` is a larger (or the same) area that holds ``inner``."""
    if outer == inner:
        return True
    if outer.kind == "national":
        return inner.country == INDONESIA
    if outer.kind == "province":
        return inner.province_code == outer.province_code and inner.kind in ("regency", "province")
    if outer.kind == "regency":
        return inner.kind == "regency" and inner.regency_code == outer.regency_code
    if outer.kind == "foreign" and outer.level != "guess":
        broader = outer.level in ("country", "region", "province", "state")
        return inner.kind == "foreign" and inner.country == outer.country and (broader or inner.level == "district")
    return False


def _merge(readings: list[_Reading]) -> list[_Reading]:
    """Fold qualifiers into the place they qualify; what is left are separate places."""
    places: list[_Reading] = []
    for reading in readings:
        if places:
            previous = places[-1]
            narrowed = [c for c in previous.candidates if any(_contains(q, c) for q in reading.candidates)]
            if narrowed:  # "Bogor, Jawa Barat": the later part qualifies the earlier
                places[-1] = _Reading(previous.text, narrowed, previous.score)
                continue
            inner = [c for c in reading.candidates if any(_contains(p, c) for p in previous.candidates)]
            if inner:  # "Indonesia - Jakarta", "Bekasi (Cikarang)": the later part is more precise
                places[-1] = _Reading(reading.text, inner, min(previous.score, reading.score))
                continue
        places.append(reading)
    return places


def _location(place: _Place, *, remote: bool, others: tuple[str, ...], score: float) -> Location:
    if place.kind == "regency":
        kind = "regency"
    elif place.kind == "province":
        kind = "province"
    elif place.kind == "foreign":
        kind = "foreign"
    elif remote:  # "Remote (Indonesia)", "Remote - APAC"
        kind = "remote"
    elif place.kind == "national":
        kind = "national"
    else:  # several countries at once, not remote: no place to show it in
        kind = "unknown"
    return Location(
        kind=kind,
        regency_code=place.regency_code if kind == "regency" else None,
        province_code=place.province_code if kind in ("regency", "province") else None,
        remote=remote,
        others=others,
        matched=place.name,
        score=score,
        country=place.country if kind != "unknown" else None,
    )


@lru_cache(maxsize=200_000)
def resolve_location(text: str | None) -> Location:
    """Resolve one job location string; total: never raises, unknown when nothing fits.

    Parameters
    ----------
    text
        The board's location field ("Kab. Bogor", "South Jakarta", "Makati",
        "Remote", "Jakarta / Tangerang").

    Returns
    -------
    Location
        See :class:`Location`. Cached: boards repeat the same strings.
    """
    if not text or not isinstance(text, str):
        return UNKNOWN
    gazette = gazetteer()
    whole = _words(text)
    found, score = _lookup(whole, gazette) if whole else ([], 0.0)
    if found:  # "Kota Administrasi Jakarta Selatan", "Lapu-Lapu", "Bandar Seri Begawan"
        return _location(found[0], remote=False, others=(), score=score)
    remote = bool(_REMOTE.search(_fold(text)))
    cleaned = _HYBRID.sub(" ", _REMOTE.sub(" ", text))  # the original text: ``others`` keep its spelling
    parts = _SPLIT.split(cleaned)
    readings = [reading for part in parts if not _ADDRESS.match(part) for reading in _read_part(part, gazette)]
    if not readings:  # only an address: its words are all there is
        readings = [reading for part in parts for reading in _read_part(part, gazette)]
    # "Global Office, Jakarta": a region of several countries counts only when nothing more precise is named.
    precise = [reading for reading in readings if reading.candidates[0].kind != "supranational"]
    places = _merge(precise or readings)
    if not places:
        if remote:
            return Location(kind="remote", remote=True, score=1.0)
        return UNKNOWN
    first = places[0]
    others = tuple(reading.text for reading in places[1:])
    return _location(first.candidates[0], remote=remote, others=others, score=first.score)
