"""E-mails about events that need the creditor, the daily digest, and the settings page."""

import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import Client

from claims.demo import walk_to
from claims.models import Claim
from claims.services import Actor, claim_note, claim_transition
from claims.states import NOTES, TRANSITIONS, ActorKind, State
from creditors.models import User
from notifications.events import EVENT_WORDS, INTERNAL, NOTIFIED
from notifications.models import DigestSent, EventEmail, NotificationPreference
from notifications.services import daily_digests_send, event_emails_queue, event_emails_send
from notifications.tasks import send_daily_digests, send_event_emails
from tests.conftest import World

BRUSSELS = ZoneInfo("Europe/Brussels")


def _recipients() -> Counter[str]:
    return Counter(address for message in mail.outbox for address in message.to)


def _html(message: Any) -> str:
    return str(message.alternatives[0][0])


def _prefer(user: User, **choices: Any) -> None:
    defaults = {"event_emails": True, "daily_digest": True, "language": "en"} | choices
    NotificationPreference.objects.update_or_create(user=user, defaults=defaults)


def test_every_event_named_here_exists_in_the_state_machine() -> None:
    known = set(TRANSITIONS) | set(NOTES)
    assert set(NOTIFIED) <= known
    assert set(EVENT_WORDS) <= known
    assert known - INTERNAL <= set(EVENT_WORDS)  # every event the digest shows has words


# --- E-mails about events --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_that_needs_the_creditor_mails_owner_and_member_once(world: World) -> None:
    _prefer(world.member, language="en")
    claim = world.claim_in(State.SOLVENCY_DOUBTFUL)
    mail.outbox.clear()
    assert send_event_emails() == 2
    assert _recipients() == Counter({"owner@a.test": 1, "member@a.test": 1})  # not read-only
    message = next(m for m in mail.outbox if m.to == ["member@a.test"])
    assert message.subject == f"[IOS] Claim {claim.code}: the debtor's solvency is doubtful"
    assert "Decide on the claim page: continue at your own risk" in message.body
    assert f"Open the claim: http://127.0.0.1:8000/claims/{claim.code}/" in message.body
    assert f'href="http://127.0.0.1:8000/claims/{claim.code}/"' in _html(message)
    # A second run (or a run after it) sends nothing again.
    assert send_event_emails() == 0
    assert len(mail.outbox) == 2
    assert EventEmail.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_events_that_need_nobody_send_nothing(world: World) -> None:
    world.claim_in(State.SUMMONS_SERVED)  # submit, advance, acceptance, hand-off, service
    mail.outbox.clear()
    assert send_event_emails() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_author_of_an_event_is_not_told_about_it(world: World) -> None:
    claim = world.claim_in(State.SOLVENCY_DOUBTFUL)
    send_event_emails()
    mail.outbox.clear()
    claim_transition(
        account=world.account,
        claim=claim,
        name="stop_after_solvency",
        actor=Actor(kind=ActorKind.CREDITOR, user=world.owner),
    )
    send_event_emails()
    assert _recipients() == Counter({"member@a.test": 1})


@pytest.mark.django_db
def test_the_mail_is_in_the_users_language_by_default_the_companys(world: World) -> None:
    _prefer(world.member, language="fr")
    claim = world.claim_in(State.SOLVENCY_DOUBTFUL)  # the company writes Dutch: the owner's default
    mail.outbox.clear()
    send_event_emails()
    by_user = {message.to[0]: message for message in mail.outbox}
    assert f"http://127.0.0.1:8000/nl/claims/{claim.code}/" in by_user["owner@a.test"].body
    assert '<html lang="nl">' in _html(by_user["owner@a.test"])
    assert f"http://127.0.0.1:8000/fr/claims/{claim.code}/" in by_user["member@a.test"].body
    assert '<html lang="fr">' in _html(by_user["member@a.test"])


@pytest.mark.django_db
def test_a_user_who_switched_event_mails_off_gets_none(world: World) -> None:
    _prefer(world.member, event_emails=False)
    world.claim_in(State.SOLVENCY_DOUBTFUL)
    mail.outbox.clear()
    send_event_emails()
    assert _recipients() == Counter({"owner@a.test": 1})


@pytest.mark.django_db
def test_old_history_is_not_mailed(world: World) -> None:
    with time_machine.travel(datetime.now(tz=BRUSSELS) - timedelta(days=3)):
        world.claim_in(State.SOLVENCY_DOUBTFUL)
    mail.outbox.clear()
    assert send_event_emails() == 0


@pytest.mark.django_db
def test_a_note_that_needs_the_creditor_is_mailed_too(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    send_event_emails()
    mail.outbox.clear()
    claim_note(
        account=world.account,
        claim=claim,
        name="facilities_requested",
        actor=Actor(kind=ActorKind.BAILIFF, user=world.bailiff),
    )
    send_event_emails()
    assert _recipients() == Counter({"owner@a.test": 1, "member@a.test": 1})
    # In the users' default language, the account's company's (Dutch here).
    assert "afbetalingsfaciliteiten" in mail.outbox[0].subject


class FailingBackend(EmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise OSError("SMTP server down")


@pytest.mark.django_db
def test_a_mail_that_could_not_be_sent_is_tried_again(world: World, settings: Any) -> None:
    world.claim_in(State.SOLVENCY_DOUBTFUL)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    assert send_event_emails() == 0
    assert set(EventEmail.objects.values_list("attempts", flat=True)) == {1}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_event_emails() == 2
    assert send_event_emails() == 0


def _send_in_thread(barrier: threading.Barrier, work: Any, results: list[int]) -> None:
    try:
        barrier.wait()
        results.append(work())
    finally:
        connection.close()


def _twice_at_once(work: Any) -> list[int]:
    barrier = threading.Barrier(2)
    results: list[int] = []
    threads = [
        threading.Thread(target=_send_in_thread, args=(barrier, work, results)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_event_mail_once(world: World) -> None:
    for _index in range(5):
        world.claim_in(State.SOLVENCY_DOUBTFUL)
    mail.outbox.clear()

    def run() -> int:
        event_emails_queue()
        return event_emails_send()

    results = _twice_at_once(run)
    assert sum(results) == 10
    assert _recipients() == Counter({"owner@a.test": 5, "member@a.test": 5})


# --- The daily digest ------------------------------------------------------------------------

MORNING = datetime(2026, 3, 11, 7, 0, tzinfo=BRUSSELS)


def _served_at(world: World, when: datetime, reference: str = "") -> Claim:
    with time_machine.travel(when, tick=False):
        return walk_to(world.draft(reference=reference), State.SUMMONS_SERVED, world.cast)


@pytest.mark.django_db
def test_the_digest_tells_every_member_the_last_24_hours(world: World) -> None:
    _prefer(world.member, language="en")
    recent = _served_at(world, MORNING - timedelta(hours=5), reference="RECENT-1")
    old = _served_at(world, MORNING - timedelta(hours=30), reference="OLD-1")
    mail.outbox.clear()
    with time_machine.travel(MORNING, tick=False):
        assert send_daily_digests() == 3
    assert _recipients() == Counter(
        {"owner@a.test": 1, "member@a.test": 1, "readonly@a.test": 1}
    )  # read-only members too; not the other account
    message = next(m for m in mail.outbox if m.to == ["member@a.test"])
    body = message.body
    assert recent.code in body and "RECENT-1" in body
    assert old.code not in body  # more than 24 hours ago
    # Grouped per claim, in plain words, with the state now.
    assert body.count(f"{recent.code} (RECENT-1)") == 1
    assert "Summons to pay served" in body
    assert "Now: Summons served" in body
    assert "5 changes" in message.subject  # submit, advance, accept, hand-off, service
    assert f'<a href="http://127.0.0.1:8000/claims/{recent.code}/">' in _html(message)


@pytest.mark.django_db
def test_no_digest_when_nothing_changed(world: World) -> None:
    _served_at(world, MORNING - timedelta(hours=30))
    mail.outbox.clear()
    assert daily_digests_send(now=MORNING) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_a_user_who_switched_the_digest_off_gets_none(world: World) -> None:
    _prefer(world.read_only, daily_digest=False)
    _served_at(world, MORNING - timedelta(hours=2))
    mail.outbox.clear()
    daily_digests_send(now=MORNING)
    assert "readonly@a.test" not in _recipients()
    assert _recipients()["owner@a.test"] == 1


@pytest.mark.django_db
def test_the_digest_is_in_the_users_language(world: World) -> None:
    _prefer(world.member, language="fr")
    claim = _served_at(world, MORNING - timedelta(hours=2))
    mail.outbox.clear()
    daily_digests_send(now=MORNING)
    by_user = {message.to[0]: message for message in mail.outbox}
    assert f"/fr/claims/{claim.code}/" in by_user["member@a.test"].body
    assert '<html lang="fr">' in _html(by_user["member@a.test"])
    owner = by_user["owner@a.test"].body  # the company's language
    assert f"/nl/claims/{claim.code}/" in owner
    assert "11-3-2026 05:00" in owner  # dates as Dutch readers write them


@pytest.mark.django_db
def test_running_the_digest_twice_sends_it_once(world: World) -> None:
    _served_at(world, MORNING - timedelta(hours=2))
    mail.outbox.clear()
    assert daily_digests_send(now=MORNING) == 3
    assert daily_digests_send(now=MORNING) == 0
    assert daily_digests_send(now=MORNING + timedelta(minutes=30)) == 0  # same day
    assert len(mail.outbox) == 3
    assert DigestSent.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_each_digest_once(world: World) -> None:
    _served_at(world, MORNING - timedelta(hours=2))
    mail.outbox.clear()
    results = _twice_at_once(lambda: daily_digests_send(now=MORNING))
    assert sum(results) == 3
    assert _recipients() == Counter({"owner@a.test": 1, "member@a.test": 1, "readonly@a.test": 1})


# --- The settings page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_shows_the_defaults_and_the_security_links(world: World) -> None:
    response = world.client_for(world.read_only).get("/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="event_emails"' in html and 'name="daily_digest"' in html
    assert '<option value="nl" selected>' in html  # the account's company writes Dutch
    assert "read-only member" in html
    for url in ("/accounts/password/change/", "/accounts/email/", "/accounts/2fa/"):
        assert f'href="{url}"' in html


@pytest.mark.django_db
def test_the_settings_page_saves_the_users_own_preferences(world: World) -> None:
    client = world.client_for(world.member)
    response = client.post("/settings/", {"daily_digest": "on", "language": "fr"})
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=world.member)
    assert (saved.event_emails, saved.daily_digest, saved.language) == (False, True, "fr")
    assert 'value="fr" selected' in client.get("/settings/").content.decode()


@pytest.mark.django_db
def test_nobody_can_change_another_users_preferences(world: World) -> None:
    _prefer(world.owner)
    client = world.client_for(world.member)
    client.post(
        "/settings/",
        {"user": world.owner.pk, "user_id": world.owner.pk, "language": "fr"},
    )
    owner = NotificationPreference.objects.get(user=world.owner)
    assert (owner.event_emails, owner.daily_digest, owner.language) == (True, True, "en")
    assert NotificationPreference.objects.get(user=world.member).language == "fr"


@pytest.mark.django_db
def test_a_wrong_choice_is_shown_next_to_the_field(world: World) -> None:
    response = world.client_for(world.owner).post("/settings/", {"language": "xx"})
    assert response.status_code == 400
    assert 'id="id_language_error" role="alert"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_any_logged_in_user_has_settings_but_anonymous_must_log_in(world: World) -> None:
    assert world.client_for(world.bailiff).get("/settings/").status_code == 200
    assert world.client_for(world.staff).get("/settings/").status_code == 200
    assert Client().get("/settings/").status_code == 302
