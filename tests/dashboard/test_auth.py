"""Accounts: hashed passwords, roles and scopes, demo accounts that are safe to create twice."""

import pytest
from sqlalchemy import select

from dashboard.auth import Account, authenticate, create_account, demo_account_plan, ensure_demo_accounts, find_account, set_password
from prakerja.errors import UserError
from prakerja.models import UserAccount


def test_password_is_stored_hashed_and_checked(small_world):
    engine, world = small_world
    account = create_account(engine, "siti", "rahasia-123", "participant", participant_id=world.group_a[0])
    assert account == Account("siti", "participant", world.group_a[0], None)
    with engine.connect() as connection:
        stored = connection.scalar(select(UserAccount.password_hash).where(UserAccount.username == "siti"))
    assert "rahasia-123" not in stored and stored.startswith("$argon2")
    assert authenticate(engine, "siti", "rahasia-123") == account
    assert authenticate(engine, "siti", "salah-sandi") is None
    assert authenticate(engine, "nobody", "rahasia-123") is None
    set_password(engine, "siti", "baru-sekali-1")
    assert authenticate(engine, "siti", "rahasia-123") is None
    assert authenticate(engine, "siti", "baru-sekali-1") == account


def test_manager_limited_to_a_province(small_world):
    engine, _ = small_world
    account = create_account(engine, "budi", "rahasia-123", "manager", province_code="35")
    assert account.is_provincial and find_account(engine, "budi").province_code == "35"
    assert not create_account(engine, "ani", "rahasia-123", "manager").is_provincial


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(username="x", password="short", role="researcher"), "at least 8"),
        (dict(username="x", password="rahasia-123", role="admin"), "unknown role"),
        (dict(username="x", password="rahasia-123", role="participant"), "needs --participant"),
        (dict(username="x", password="rahasia-123", role="participant", participant_id=999), "unknown participant"),
        (dict(username="x", password="rahasia-123", role="manager", province_code="99"), "unknown province"),
        (dict(username="x", password="rahasia-123", role="researcher", province_code="35"), "manager accounts only"),
        (dict(username="x", password="rahasia-123", role="researcher", participant_id=1), "only for participant"),
        (dict(username="has space", password="rahasia-123", role="researcher"), "username"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(small_world, kwargs, message):
    engine, _ = small_world
    kwargs = dict(kwargs)
    with pytest.raises(UserError, match=message):
        create_account(engine, kwargs.pop("username"), kwargs.pop("password"), kwargs.pop("role"), **kwargs)
    with engine.connect() as connection:
        assert connection.scalar(select(UserAccount.id)) is None  # nothing half-written


def test_a_taken_username_is_refused(small_world):
    engine, _ = small_world
    create_account(engine, "dewi", "rahasia-123", "researcher")
    with pytest.raises(UserError, match="taken"):
        create_account(engine, "dewi", "lain-sandi-9", "researcher")


def test_demo_accounts_cover_every_role_and_are_idempotent(small_world):
    engine, world = small_world
    plan = demo_account_plan(engine)
    assert {a.role for a in plan} == {"participant", "manager", "researcher"}
    assert [a.participant_id for a in plan if a.role == "participant"] == world.group_a[:2]
    assert [a.province_code for a in plan if a.role == "manager"] == [None, "35"]  # East Java has the most people
    first = ensure_demo_accounts(engine)
    assert all(issued.created and len(issued.password) >= 12 for issued in first)
    assert all(authenticate(engine, i.username, i.password) == i.account for i in first)
    again = ensure_demo_accounts(engine)
    assert all(not issued.created and issued.password is None for issued in again)
    assert all(authenticate(engine, i.username, i.password) is not None for i in first)  # passwords kept
    reset = ensure_demo_accounts(engine, reset=True)
    assert all(issued.password for issued in reset)
    assert authenticate(engine, first[0].username, first[0].password) is None
    assert authenticate(engine, reset[0].username, reset[0].password) is not None


def test_demo_accounts_need_a_demo_world(engine):
    with pytest.raises(UserError, match="prakerja init --demo"):
        demo_account_plan(engine)
