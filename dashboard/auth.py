"""Dashboard accounts: argon2-hashed passwords and the role that decides what a person may see.

A participant account is tied to one participant id and sees only that person;
a manager may be limited to one province; a researcher sees pseudonymous ids.
Passwords are never stored or logged in clear; demo accounts get a random
password per database, printed once when created.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from prakerja.db import transaction
from prakerja.errors import UserError
from prakerja.models import Enrollment, Participant, Province, Regency, UserAccount

#: The roles the dashboard serves (``partner`` is an API-only role).
DASHBOARD_ROLES = ("participant", "manager", "researcher")
MIN_PASSWORD_LENGTH = 8

#: argon2id with argon2-cffi's defaults, RFC 9106's low-memory profile (t=3, m=64 MiB, p=4): about 0.25 s of CPU a hash.
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    """Who is signed in: enough to decide scope, nothing secret."""

    username: str
    role: str
    participant_id: int | None = None
    province_code: str | None = None

    @property
    def is_provincial(self) -> bool:
        """A manager limited to one province."""
        return self.role == "manager" and self.province_code is not None


@dataclass(frozen=True)
class IssuedCredential:
    """A username and the clear password just set (shown once, never stored)."""

    username: str
    password: str | None
    account: Account
    created: bool


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def _check_new_account(session, username: str, password: str, role: str, participant_id, province_code) -> None:
    if not username or len(username) > 80 or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise UserError("username must be 1 to 80 letters, digits, '-', '_' or '.'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role not in DASHBOARD_ROLES:
        raise UserError(f"unknown role {role!r}; choose from {', '.join(DASHBOARD_ROLES)}")
    if role == "participant":
        if participant_id is None:
            raise UserError("a participant account needs --participant ID")
        if session.get(Participant, int(participant_id)) is None:
            raise UserError(f"unknown participant id {participant_id}")
    elif participant_id is not None:
        raise UserError("--participant is only for participant accounts")
    if province_code is not None:
        if role != "manager":
            raise UserError("--province limits manager accounts only")
        if session.get(Province, province_code) is None:
            raise UserError(f"unknown province code {province_code!r}; use the 2-digit Kemendagri code, e.g. 35")


def create_account(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    *,
    participant_id: int | None = None,
    province_code: str | None = None,
) -> Account:
    """Store a new account with a hashed password.

    Raises
    ------
    UserError
        Bad username, short password, unknown role, participant or province,
        or a username already taken.
    """
    try:
        with transaction(engine) as session:
            _check_new_account(session, username, password, role, participant_id, province_code)
            session.add(
                UserAccount(
                    username=username,
                    password_hash=hash_password(password),
                    role=role,
                    participant_id=None if participant_id is None else int(participant_id),
                    province_code=province_code,
                )
            )
    except IntegrityError:
        raise UserError(f"the username {username!r} is taken") from None
    return Account(username, role, None if participant_id is None else int(participant_id), province_code)


def set_password(engine: Engine, username: str, password: str) -> None:
    """Replace the password of an existing account."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    with transaction(engine) as session:
        row = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if row is None:
            raise UserError(f"no account named {username!r}")
        row.password_hash = hash_password(password)


def authenticate(engine: Engine, username: str, password: str) -> Account | None:
    """The account when ``password`` is right, else None (same answer for unknown names)."""
    with engine.connect() as connection:
        row = connection.execute(select(UserAccount).where(UserAccount.username == username.strip())).first()
    if row is None:
        _hasher.hash(password)  # spend the same time as a wrong password: names are not probed
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return Account(row.username, row.role, row.participant_id, row.province_code)


def find_account(engine: Engine, username: str) -> Account | None:
    """An account by name, without its hash."""
    with engine.connect() as connection:
        row = connection.execute(select(UserAccount).where(UserAccount.username == username)).first()
    return None if row is None else Account(row.username, row.role, row.participant_id, row.province_code)


# ---------------------------------------------------------------------- demo accounts


def _demo_participants(engine: Engine, count: int) -> list[int]:
    """Participants who finished a training (their pages have something to show), lowest ids first."""
    with engine.connect() as connection:
        ids = connection.scalars(
            select(Enrollment.participant_id)
            .where(Enrollment.completed_on.is_not(None))
            .group_by(Enrollment.participant_id)
            .order_by(Enrollment.participant_id)
            .limit(count)
        ).all()
    return [int(i) for i in ids]


def _busiest_province(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(
            select(Regency.province_code)
            .join(Participant, Participant.regency_code == Regency.code)
            .group_by(Regency.province_code)
            .order_by(func.count().desc(), Regency.province_code)
            .limit(1)
        )


def demo_account_plan(engine: Engine) -> list[Account]:
    """The demo accounts of the demo world: two participants, a national and a provincial manager, a researcher."""
    participants = _demo_participants(engine, 2)
    if not participants:
        raise UserError("the database holds no trained participants; run `prakerja init --demo` first")
    plan = [Account(f"peserta{n}", "participant", pid) for n, pid in enumerate(participants, start=1)]
    plan.append(Account("manajer", "manager"))
    province = _busiest_province(engine)
    if province is not None:
        plan.append(Account(f"manajer{province}", "manager", province_code=province))
    plan.append(Account("peneliti", "researcher"))
    return plan


def ensure_demo_accounts(engine: Engine, *, reset: bool = False) -> list[IssuedCredential]:
    """Create the demo accounts that are missing, each with a fresh random password.

    Existing accounts keep their password (``password`` is None in the result)
    unless ``reset`` is true: then they get a new one. Running it twice is
    harmless, which is what ``make run`` needs.
    """
    issued = []
    for planned in demo_account_plan(engine):
        existing = find_account(engine, planned.username)
        if existing is not None and not reset:
            issued.append(IssuedCredential(planned.username, None, existing, created=False))
            continue
        password = secrets.token_urlsafe(9)
        if existing is None:
            account = create_account(
                engine, planned.username, password, planned.role,
                participant_id=planned.participant_id, province_code=planned.province_code,
            )
            issued.append(IssuedCredential(planned.username, password, account, created=True))
        else:
            set_password(engine, planned.username, password)
            issued.append(IssuedCredential(planned.username, password, existing, created=False))
    return issued
