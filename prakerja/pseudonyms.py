"""Pseudonyms: what researchers know a participant by, and why they cannot be turned back into ids.

The first pseudonyms were ``id * constant mod 2**40``: a bijection, so anyone
with two (id, pseudonym) pairs, or none at all, recovered every id (a probe
reversed ids 1-5). A pseudonym is now the HMAC-SHA256 of the id under a secret
key, cut to 80 bits: one-way without the key, and the key is kept in the
database's ``settings`` (:mod:`prakerja.stored_settings`), never in the
repository or a researcher's hands.

- The first ``prakerja init`` stores a random key (:func:`ensure_secret`).
- A demo world derives its key from its seed (:func:`demo_secret`): the same
  seed still gives the same world, pseudonyms included. A demo seed is no
  secret, so neither are a demo world's pseudonyms; a real deployment's key
  is random.
- Migration 0006 re-keys a database made before: a random key, and every
  participant's pseudonym computed again under it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlalchemy.orm import Session

from prakerja.stored_settings import read_setting, write_setting

SECRET_SETTING = "pseudonym_secret"
PREFIX = "p"
HEX_DIGITS = 20  # 80 bits: a collision among 11 million participants has odds of about 1 in 10**10


def pseudonym(secret: bytes, participant_id: int) -> str:
    """The pseudonym of ``participant_id`` under ``secret`` ("p" and 20 hex digits)."""
    digest = hmac.new(secret, str(int(participant_id)).encode("ascii"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:HEX_DIGITS]


def pseudonyms(secret: bytes, participant_ids: Iterable[int]) -> list[str]:
    """:func:`pseudonym` of each id, in order."""
    return [pseudonym(secret, participant_id) for participant_id in participant_ids]


def new_secret() -> bytes:
    """A random 256-bit key."""
    return secrets.token_bytes(32)


def demo_secret(seed: int) -> bytes:
    """The key of the demo world drawn with ``seed``: a function of the seed, so the world is reproducible."""
    return hashlib.sha256(f"prakerja demo pseudonyms {int(seed)}".encode("ascii")).digest()


def stored_secret(session: Session) -> bytes | None:
    """The database's key, or None before the first ``init``."""
    value = read_setting(session, SECRET_SETTING)
    return bytes.fromhex(value) if value else None


def ensure_secret(session: Session) -> bytes:
    """The database's key, generated and stored (random) when there is none yet."""
    secret = stored_secret(session)
    if secret is None:
        secret = new_secret()
        store_secret(session, secret)
    return secret


def store_secret(session: Session, secret: bytes) -> None:
    """Make ``secret`` the database's key (only while no participant holds a pseudonym under another)."""
    write_setting(session, SECRET_SETTING, secret.hex())
