"""Settings helpers, identifiers, demo data and the broker."""

import os
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from stdnum.be import ogm_vcs

from claims.codes import CROCKFORD_ALPHABET, new_payment_reference, new_public_code
from claims.models import Claim
from claims.states import State
from ios_platform import env
from ios_platform.settings import _database_from_url


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env.env_int("X_INT", 1)
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_REQUIRED"):
        env.env_str("X_REQUIRED")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "yes")
    assert env.env_bool("X_BOOL", False) is True


def test_sqlite_shares_one_file_safely(tmp_path: object) -> None:
    config = _database_from_url(f"sqlite:///{tmp_path}/x.sqlite3")
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_postgres_url_is_parsed() -> None:
    config = _database_from_url("postgres://u@127.0.0.1:5432/ios")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "ios"


def test_public_code_is_ten_crockford_characters_and_random() -> None:
    codes = {new_public_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(code) == 10 and set(code) <= set(CROCKFORD_ALPHABET) for code in codes)


def test_payment_reference_is_a_valid_structured_reference() -> None:
    for _ in range(200):
        reference = new_payment_reference()
        assert re.fullmatch(r"\d{12}", reference)
        assert ogm_vcs.is_valid(reference)


@pytest.mark.django_db
def test_seed_demo_has_every_state_and_runs_twice(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    states = set(Claim.objects.values_list("state", flat=True))
    assert states == {state.value for state in State}
    count = Claim.objects.count()
    call_command("seed_demo")
    assert Claim.objects.count() == count
    out = capsys.readouterr().out
    for login in ("owner@demo.test", "readonly@demo.test", "bailiff@demo.test", "staff@demo.test"):
        assert login in out


@pytest.mark.redis
def test_tasks_reach_the_redis_broker() -> None:
    """With REDIS_URL set, a task sent by the app lands in Redis (no worker needed)."""
    import redis

    from ios_platform.celery import app

    url = os.environ["REDIS_URL"]
    queue = "ios-test-queue"
    connection = redis.Redis.from_url(url)
    connection.delete(queue)
    app.conf.task_always_eager = False
    app.send_task("claims.tasks.sweep_deadlines", queue=queue)
    assert connection.llen(queue) == 1
    connection.delete(queue)
