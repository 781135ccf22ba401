"""API keys: created once, shown once, stored only as a hash.

A key looks like ``prk_<prefix>_<secret>``: the 10-character prefix is stored in
clear and used to find the key's row (and lets an operator tell keys apart in
``prakerja apikey list``); the secret is 32 random bytes (256 bits).

Why SHA-256 and not argon2 (which the dashboard uses for passwords): argon2 is
slow on purpose, to make guessing a *low-entropy* password expensive. A key of
256 random bits cannot be guessed whatever the hash speed, so a slow hash would
only add tens of milliseconds to every API request. The stored value is the
SHA-256 of the whole key, compared with :func:`hmac.compare_digest` so that the
comparison time tells an attacker nothing.

A key may expire (``--expires-in 30d``): from then on it is refused like a
revoked one, by every worker at once, cached or not (the expiry travels with
the cached holder). A revocation reaches a worker at its next read of the
revoked prefixes, at most ``revocation_check_seconds`` (2 s) later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select

from prakerja import vocab
from prakerja.db import reading, transaction
from prakerja.errors import UserError
from prakerja.models import ApiKey, Participant, Province

KEY_PREFIX = "prk"
PREFIX_LENGTH = 10
DEFAULT_RATE_LIMIT = 600
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
MAX_LIFETIME = dt.timedelta(days=3650)
_KEY_PATTERN = re.compile(rf"^{KEY_PREFIX}_([0-9a-f]{{{PREFIX_LENGTH}}})_([A-Za-z0-9_-]{{20,100}})$")


@dataclass(frozen=True)
class KeyHolder:
    """Who a verified key belongs to: its role and scope."""

    prefix: str
    role: str
    participant_id: int | None
    province_code: str | None
    rate_limit_per_minute: int
    expires_at: dt.datetime | None = None  # naive UTC

    def expired(self, now: dt.datetime | None = None) -> bool:
        """True once the key's expiry has passed."""
        return self.expires_at is not None and self.expires_at <= (now or utc_now())


def utc_now() -> dt.datetime:
    """Now as the database stores times: naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_lifetime(text: str) -> dt.timedelta:
    """``"90d"``, ``"12h"``, ``"30m"``, ``"2w"``, ``"3600s"`` as a duration (at most ten years).

    Raises
    ------
    UserError
        For anything else, saying what is accepted.
    """
    match = _DURATION.match(text or "")
    if not match:
        raise UserError(f"--expires-in must be a number and a unit (s, m, h, d or w), e.g. 90d or 12h, not {text!r}")
    lifetime = dt.timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    if not dt.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise UserError(f"--expires-in must be more than 0 and at most 3650d, not {text!r}")
    return lifetime


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: ``secret`` is the whole key, shown once and never stored."""

    holder: KeyHolder
    secret: str


def hash_key(key: str) -> str:
    """Hex SHA-256 of the whole key (see the module docstring for why not argon2)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_key(key: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    match = _KEY_PATTERN.match(key.strip())
    return match.group(1) if match else None


def create_key(
    engine: Engine,
    role: str,
    *,
    participant_id: int | None = None,
    province_code: str | None = None,
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT,
    expires_in: dt.timedelta | None = None,
) -> NewKey:
    """Store a new key for ``role`` and return it (the only time the whole key is known).

    A participant key needs ``participant_id`` (the participant it may act for);
    other roles must not have one. ``province_code`` narrows a manager's scope.
    ``expires_in``: the key is refused that long after now (None: never).
    """
    if role not in vocab.ROLES:
        raise UserError(f"unknown role {role!r}; choose from {', '.join(vocab.ROLES)}")
    if role == "participant" and participant_id is None:
        raise UserError("a participant key needs --participant ID (the participant it acts for)")
    if role != "participant" and participant_id is not None:
        raise UserError(f"--participant is only for participant keys, not {role}")
    if not 1 <= rate_limit_per_minute <= 1_000_000:
        raise UserError(f"--rate-limit must be 1 to 1,000,000 requests a minute, not {rate_limit_per_minute}")
    if expires_in is not None and not dt.timedelta(0) < expires_in <= MAX_LIFETIME:
        raise UserError("a key's lifetime must be more than 0 and at most ten years")
    expires_at = utc_now() + expires_in if expires_in is not None else None
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction(engine) as session:
        if participant_id is not None and session.get(Participant, int(participant_id)) is None:
            raise UserError(f"unknown participant id {participant_id}")
        if province_code is not None and session.get(Province, province_code) is None:
            raise UserError(f"unknown province code {province_code!r} (2 digits, e.g. 35 for Jawa Timur)")
        session.add(
            ApiKey(
                prefix=prefix,
                key_hash=hash_key(key),
                role=role,
                participant_id=participant_id,
                province_code=province_code,
                rate_limit_per_minute=rate_limit_per_minute,
                revoked=False,
                expires_at=expires_at,
            )
        )
    return NewKey(KeyHolder(prefix, role, participant_id, province_code, rate_limit_per_minute, expires_at), key)


def verify_key(engine: Engine, key: str) -> KeyHolder | None:
    """The holder of ``key`` when it is well formed, known, not revoked, not expired and its hash matches; else None."""
    prefix = split_key(key)
    if prefix is None:
        return None
    with reading(engine) as connection:
        row = connection.execute(
            select(
                ApiKey.key_hash, ApiKey.role, ApiKey.participant_id, ApiKey.province_code,
                ApiKey.rate_limit_per_minute, ApiKey.revoked, ApiKey.expires_at,
            ).where(ApiKey.prefix == prefix)
        ).first()
    if row is None or row.revoked or not hmac.compare_digest(row.key_hash, hash_key(key.strip())):
        return None
    holder = KeyHolder(prefix, row.role, row.participant_id, row.province_code, int(row.rate_limit_per_minute), row.expires_at)
    return None if holder.expired() else holder


def revoked_prefixes(engine: Engine) -> frozenset[str]:
    """Prefixes of every revoked key (workers compare their cached keys against it)."""
    with reading(engine) as connection:
        return frozenset(connection.scalars(select(ApiKey.prefix).where(ApiKey.revoked.is_(True))).all())


@dataclass(frozen=True)
class KeyListing:
    """One stored key as an operator sees it (never the secret)."""

    prefix: str
    role: str
    participant_id: int | None
    province_code: str | None
    rate_limit_per_minute: int
    created_at: dt.datetime | None
    revoked: bool
    expires_at: dt.datetime | None = None


def list_keys(engine: Engine) -> list[KeyListing]:
    """Every key, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                ApiKey.prefix, ApiKey.role, ApiKey.participant_id, ApiKey.province_code,
                ApiKey.rate_limit_per_minute, ApiKey.created_at, ApiKey.revoked, ApiKey.expires_at,
            ).order_by(ApiKey.id)
        ).all()
    return [KeyListing(*row) for row in rows]


def revoke_key(engine: Engine, prefix: str) -> None:
    """Revoke the key with ``prefix`` (the whole key is accepted too)."""
    prefix = split_key(prefix) or prefix.strip()
    with transaction(engine) as session:
        key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
        if key is None:
            raise UserError(f"no API key with prefix {prefix!r}; `prakerja apikey list` shows them")
        key.revoked = True
