"""Sign-in with argon2 hashes: the password is never stored, shown or logged; repeated failures lock, the lock doubles."""

import logging
from datetime import timedelta

import pytest
import test_store_support as support
from sqlalchemy import select

from geo.errors import AuthenticationError, PermissionDenied
from geo.store import (
    add_user,
    audit_entries,
    authenticate,
    disable_user,
    dump_tables,
    get_user,
    lock_duration,
    set_password,
    user_for_oidc,
)
from geo.store.schema import users
from geo.store.service import describe_change, utc_now

backend, store_url, store, coordinator = support.backend, support.store_url, support.store, support.coordinator  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters
PASSWORD = support.PASSWORD


@pytest.fixture
def rita(store, coordinator):
    return add_user(store, coordinator, "rita", role="reporter", agency_id="so-xay-dung", password=PASSWORD)


def test_the_password_is_kept_only_as_an_argon2_hash(store, rita, caplog):
    caplog.set_level(logging.DEBUG)
    assert authenticate(store, "rita", PASSWORD).name == "rita"
    with store.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash).where(users.c.name == "rita")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    everything = repr(dump_tables(store)) + repr(audit_entries(store)) + repr(rita) + caplog.text
    assert PASSWORD not in everything and stored not in repr(audit_entries(store))
    assert not hasattr(rita, "password_hash")


def test_a_wrong_password_and_an_unknown_name_say_the_same(store, rita):
    with pytest.raises(AuthenticationError) as wrong:
        authenticate(store, "rita", "not the password")
    with pytest.raises(AuthenticationError) as unknown:
        authenticate(store, "nobody", "not the password")
    assert str(wrong.value) == str(unknown.value) == "wrong name or password."
    assert "not the password" not in str(wrong.value)
    assert get_user(store, "rita").failed_attempts == 1


def test_repeated_failures_lock_the_account_and_the_lock_doubles(store, rita):
    now = utc_now()
    for _ in range(4):
        with pytest.raises(AuthenticationError, match=r"^wrong name or password.$"):
            authenticate(store, "rita", "guess", now=now)
    with pytest.raises(AuthenticationError, match=r"The account is now locked until .* UTC"):
        authenticate(store, "rita", "guess", now=now)
    locked = get_user(store, "rita")
    assert locked.failed_attempts == 5 and locked.locked_until == now + timedelta(minutes=1)
    with pytest.raises(AuthenticationError, match=r"'rita' is locked after 5 failed sign-ins until .* UTC; try again then"):
        authenticate(store, "rita", PASSWORD, now=now + timedelta(seconds=30))  # even the right password waits
    later = now + timedelta(minutes=2)
    with pytest.raises(AuthenticationError, match="now locked until"):
        authenticate(store, "rita", "guess", now=later)
    assert get_user(store, "rita").locked_until == later + timedelta(minutes=2)  # doubled
    assert lock_duration(4) is None and lock_duration(5) == timedelta(minutes=1) and lock_duration(7) == timedelta(minutes=4)
    assert lock_duration(40) == timedelta(hours=24)
    assert authenticate(store, "rita", PASSWORD, now=later + timedelta(minutes=3)).name == "rita"
    cleared = get_user(store, "rita")
    assert (cleared.failed_attempts, cleared.locked_until, cleared.version) == (0, None, rita.version)  # counters bump no version
    actions = [entry.action for entry in audit_entries(store, record_type="user", record_id="rita")]
    assert actions.count("auth.attempt") == 7 and actions[-1] == "account.add"


def test_a_coordinator_sets_a_password_and_clears_the_lock(store, coordinator, rita):
    now = utc_now()
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            authenticate(store, "rita", "guess", now=now)
    current = get_user(store, "rita")
    set_password(store, coordinator, "rita", "a new long password", expected_version=current.version)
    assert authenticate(store, "rita", "a new long password", now=now).failed_attempts == 0
    [entry] = [e for e in audit_entries(store, record_id="rita") if e.action == "account.password"]
    assert "password changed" in describe_change(entry.before, entry.after)
    assert "a new long password" not in repr(entry)


def test_an_account_may_change_only_its_own_password_unless_coordinator(store, coordinator, rita):
    viewer = add_user(store, coordinator, "mai", role="viewer", password=PASSWORD)
    set_password(store, viewer, "mai", "mai's own new one", expected_version=viewer.version)
    with pytest.raises(PermissionDenied, match=r"user 'mai' \(viewer\) may not set the password of 'rita'; that needs the role coordinator"):
        set_password(store, viewer, "rita", "taken over!", expected_version=rita.version)
    assert authenticate(store, "rita", PASSWORD).name == "rita"


def test_a_disabled_account_cannot_sign_in(store, coordinator, rita):
    disable_user(store, coordinator, "rita", expected_version=rita.version)
    with pytest.raises(AuthenticationError, match="'rita' is disabled; ask a coordinator"):
        authenticate(store, "rita", PASSWORD)


def test_an_openid_account_is_found_by_subject_or_email(store, coordinator):
    add_user(store, coordinator, "hoa", role="editor", oidc_subject="sub-123", email="hoa@hanoi.gov.vn")
    add_user(store, coordinator, "binh", role="viewer", email="binh@hanoi.gov.vn")
    assert user_for_oidc(store, subject="sub-123").name == "hoa"
    assert user_for_oidc(store, subject="other", email="binh@hanoi.gov.vn").name == "binh"
    assert user_for_oidc(store, subject="other", email="hoa@hanoi.gov.vn") is None  # hoa is bound to its subject
    with pytest.raises(AuthenticationError, match="wrong name or password"):
        authenticate(store, "hoa", "anything at all")  # no local password
