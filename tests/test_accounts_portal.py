"""Accounts in the portal: sign-up, login, password reset, two-factor, team, companies, switcher."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creditors.models import Account, Company, Invitation, Membership, Role, User
from creditors.selectors import SESSION_COMPANY_KEY
from creditors.services import company_create, invitation_create, user_create_verified
from tests.conftest import World

PASSWORD = "Unpaid-Invoices-2026"
LINK = re.compile(r"https?://\S+")


def _link_in(message: mail.EmailMessage) -> str:
    """The path of the only link in a mail (the test client speaks paths)."""
    found = LINK.findall(str(message.body))
    assert len(found) == 1, message.body
    return "/" + found[0].split("/", 3)[3]


def _sign_up(client: Client, email: str, organisation: str = "Bakkerij Peeters") -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "organisation": organisation,
        },
    )
    assert response.status_code == 302, response.content.decode()


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _log_in(client: Client, email: str, password: str = PASSWORD) -> str:
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302
    return str(response["Location"])


def _totp_code(secret: str) -> str:
    """What an authenticator app shows now (RFC 6238: HOTP of the current 30-second period)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


# --- sign-up, verification, login, password reset -----------------------------------------


@pytest.mark.django_db
def test_sign_up_creates_an_account_owned_by_the_user_and_verifies_the_address(
    client: Client,
) -> None:
    _sign_up(client, "anna@peeters.test")

    user = User.objects.get(email="anna@peeters.test")
    membership = Membership.objects.get(user=user)
    assert membership.account.name == "Bakkerij Peeters" and membership.role == Role.OWNER
    assert not _logged_in(client)  # not before the address is verified
    assert client.get(reverse("claims:list")).status_code == 302
    [message] = mail.outbox
    assert message.to == ["anna@peeters.test"]

    confirm = _link_in(message)
    page = client.get(confirm)
    assert page.status_code == 200 and "anna@peeters.test" in page.content.decode()
    landing = client.post(confirm)
    assert landing.status_code == 302
    assert _logged_in(client)
    assert client.get(reverse("claims:list")).status_code == 200


@pytest.mark.django_db
def test_sign_up_asks_for_the_organisation_next_to_the_field(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "bert@test.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_organisation_error" role="alert"' in html
    assert not User.objects.filter(email="bert@test.test").exists()


@pytest.mark.django_db
def test_login_before_verification_is_refused() -> None:
    _sign_up(Client(), "carla@test.test")
    mail.outbox.clear()

    client = Client()
    location = _log_in(client, "carla@test.test")

    assert location == reverse("account_email_verification_sent")
    assert not _logged_in(client)
    assert client.get(reverse("claims:list")).status_code == 302


@pytest.mark.django_db
def test_password_reset_by_mail(client: Client) -> None:
    user_create_verified(email="dirk@test.test", password="an-old-password-77")
    response = client.post(reverse("account_reset_password"), {"email": "dirk@test.test"})
    assert response.status_code == 302
    [message] = mail.outbox

    form_page = client.get(_link_in(message), follow=True)
    assert form_page.status_code == 200
    new = "A-brand-new-password-88"
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": new, "password2": new}
    )  # the key moved into the session; the page's address no longer holds it
    assert done.status_code == 302

    fresh = Client()
    _log_in(fresh, "dirk@test.test", new)
    assert _logged_in(fresh)
    old = Client()
    assert old.post(
        reverse("account_login"), {"login": "dirk@test.test", "password": "an-old-password-77"}
    ).status_code == 200  # fmt: skip
    assert not _logged_in(old)


@pytest.mark.django_db
def test_two_factor_is_activated_and_then_asked_for_at_login(client: Client) -> None:
    user = user_create_verified(email="els@test.test", password=PASSWORD)
    _log_in(client, "els@test.test")
    assert client.get(reverse("mfa_activate_totp")).status_code == 302  # the password first
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    assert 'class="auth-title auth-manage"' in activate.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    assert (
        client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)}).status_code == 302
    )
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert (
        "Logging in asks for a code" in client.get(reverse("creditors:security")).content.decode()
    )

    again = Client()
    assert _log_in(again, "els@test.test") == reverse("mfa_authenticate")
    assert not _logged_in(again)
    assert again.post(reverse("mfa_authenticate"), {"code": "12"}).status_code == 200
    assert not _logged_in(again)
    assert again.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)}).status_code == 302
    assert _logged_in(again)


@pytest.mark.django_db
def test_allauth_pages_sit_in_the_portal_layout(client: Client) -> None:
    for name in ("account_login", "account_signup", "account_reset_password"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="auth-title auth-entrance"' in html
    assert 'name="organisation"' in client.get(reverse("account_signup")).content.decode()


# --- invitations ----------------------------------------------------------------------------


def _invite(world: World, email: str, role: Role = Role.MEMBER) -> str:
    """The owner invites through the page; returns the link's path from the mail."""
    client = world.client_for(world.owner)
    response = client.post(reverse("creditors:invite"), {"email": email, "role": role})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [email] and "Creditor A" in message.subject
    return _link_in(message)


@pytest.mark.django_db
def test_a_new_user_signs_up_through_the_link_and_joins_that_account(world: World) -> None:
    link = _invite(world, "fien@new.test", Role.READ_ONLY)
    accounts = Account.objects.count()
    client = Client()

    assert client.get(link)["Location"] == reverse("account_signup")
    page = client.get(reverse("account_signup")).content.decode()
    assert "Creditor A" in page and 'value="fien@new.test"' in page
    assert 'name="organisation"' not in page
    response = client.post(
        reverse("account_signup"),
        {"email": "fien@new.test", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    user = User.objects.get(email="fien@new.test")
    assert list(Membership.objects.filter(user=user).values_list("account", "role")) == [
        (world.account.pk, Role.READ_ONLY)
    ]
    assert Account.objects.count() == accounts  # no account of their own
    assert _logged_in(client)  # the link reached the address: no second mail to verify it
    assert "Creditor A" in client.get(reverse("claims:list")).content.decode()
    used = Client().get(link)
    assert used.status_code == 410 and "already been used" in used.content.decode()


@pytest.mark.django_db
def test_signing_up_through_a_link_keeps_the_invited_address(world: World) -> None:
    link = _invite(world, "gert@new.test")
    client = Client()
    client.get(link)
    response = client.post(
        reverse("account_signup"),
        {"email": "someone@else.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert not User.objects.filter(email="someone@else.test").exists()


@pytest.mark.django_db
def test_an_existing_user_logs_in_and_accepts_with_one_click(world: World) -> None:
    link = _invite(world, world.outsider.email)
    anonymous = Client().get(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login") + "?next=")

    client = world.client_for(world.outsider)
    page = client.get(link)
    assert page.status_code == 200 and "Join Creditor A" in page.content.decode()
    assert client.post(link).status_code == 302

    membership = Membership.objects.get(user=world.outsider, account=world.account)
    assert membership.role == Role.MEMBER
    assert "Creditor A" in client.get(reverse("claims:list")).content.decode()  # acts in A now


@pytest.mark.django_db
def test_a_link_opened_by_another_logged_in_user_is_refused(world: World) -> None:
    link = _invite(world, "hanne@new.test")
    response = world.client_for(world.outsider).post(link)
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.outsider, account=world.account).exists()


@pytest.mark.django_db
def test_expired_and_revoked_links_say_so(world: World) -> None:
    expired = _invite(world, "ilse@new.test")
    Invitation.objects.filter(email="ilse@new.test").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().get(expired)
    assert response.status_code == 410 and "has expired" in response.content.decode()

    revoked = _invite(world, "jan@new.test")
    invitation = Invitation.objects.get(email="jan@new.test")
    owner = world.client_for(world.owner)
    assert "jan@new.test" in owner.get(reverse("creditors:team")).content.decode()
    owner.post(reverse("creditors:invitation-revoke"), {"invitation": invitation.pk})
    response = Client().get(revoked)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    user_create_verified(email="jan@new.test", password=PASSWORD)
    jan = Client()
    _log_in(jan, "jan@new.test")
    assert jan.post(revoked).status_code == 410
    assert not Membership.objects.filter(user__email="jan@new.test").exists()


@pytest.mark.django_db
def test_members_and_read_only_members_see_the_team_but_cannot_change_it(world: World) -> None:
    invitation, _key = invitation_create(
        account=world.account, actor=world.owner, email="k@new.test", role=Role.MEMBER,
        link_base="http://testserver/",
    )  # fmt: skip
    target = Membership.objects.get(user=world.member)
    for user in (world.member, world.read_only):
        client = world.client_for(user)
        html = client.get(reverse("creditors:team")).content.decode()
        assert "member@a.test" in html and "readonly@a.test" in html
        assert reverse("creditors:invite") not in html and "k@new.test" not in html
        assert reverse("creditors:member-remove") not in html
        posts = [
            (reverse("creditors:invite"), {"email": "l@new.test", "role": Role.MEMBER}),
            (reverse("creditors:invitation-revoke"), {"invitation": invitation.pk}),
            (reverse("creditors:member-role"), {"membership": target.pk, "role": Role.OWNER}),
            (reverse("creditors:member-remove"), {"membership": target.pk}),
        ]
        for path, data in posts:
            assert client.post(path, data).status_code == 403
    assert not Invitation.objects.filter(email="l@new.test").exists()
    invitation.refresh_from_db()
    target.refresh_from_db()
    assert invitation.revoked_at is None and target.role == Role.MEMBER


@pytest.mark.django_db
def test_another_accounts_invitation_and_member_do_not_exist_here(world: World) -> None:
    theirs, _key = invitation_create(
        account=world.other_account, actor=world.outsider, email="m@new.test", role=Role.MEMBER,
        link_base="http://testserver/",
    )  # fmt: skip
    their_owner = Membership.objects.get(user=world.outsider)
    owner = world.client_for(world.owner)
    assert (
        owner.post(reverse("creditors:invitation-revoke"), {"invitation": theirs.pk}).status_code
        == 404
    )
    assert (
        owner.post(reverse("creditors:member-remove"), {"membership": their_owner.pk}).status_code
        == 404
    )
    assert owner.post(
        reverse("creditors:member-role"), {"membership": their_owner.pk, "role": Role.READ_ONLY}
    ).status_code == 404  # fmt: skip
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert Membership.objects.filter(pk=their_owner.pk, role=Role.OWNER).exists()


@pytest.mark.django_db
def test_the_owner_changes_roles_and_removes_members_but_keeps_an_owner(world: World) -> None:
    owner = world.client_for(world.owner)
    member = Membership.objects.get(user=world.member)
    mine = Membership.objects.get(user=world.owner, account=world.account)

    owner.post(reverse("creditors:member-role"), {"membership": member.pk, "role": Role.READ_ONLY})
    member.refresh_from_db()
    assert member.role == Role.READ_ONLY
    owner.post(reverse("creditors:member-remove"), {"membership": member.pk})
    assert not Membership.objects.filter(pk=member.pk).exists()

    response = owner.post(reverse("creditors:member-remove"), {"membership": mine.pk}, follow=True)
    assert "at least one owner" in response.content.decode()
    owner.post(reverse("creditors:member-role"), {"membership": mine.pk, "role": Role.MEMBER})
    mine.refresh_from_db()
    assert mine.role == Role.OWNER


@pytest.mark.django_db
def test_inviting_a_member_twice_is_refused_next_to_the_field(world: World) -> None:
    owner = world.client_for(world.owner)
    response = owner.post(reverse("creditors:invite"), {"email": "member@a.test", "role": "member"})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert mail.outbox == []


# --- companies ------------------------------------------------------------------------------

COMPANY = {
    "name": "Peeters Bouw BV",
    "country": "BE",
    "registration_number": "0403.170.701",
    "vat_number": "BE 0403.170.701",
    "iban": "BE71 0961 2345 6769",
    "street": "Kerkstraat 1",
    "postal_code": "2000",
    "city": "Antwerpen",
    "language": "nl",
}


@pytest.mark.django_db
def test_the_owner_adds_a_company(world: World) -> None:
    owner = world.client_for(world.owner)
    assert owner.post(reverse("creditors:companies"), COMPANY).status_code == 302
    company = Company.objects.get(account=world.account, name="Peeters Bouw BV")
    assert (company.registration_number, company.vat_number, company.iban) == (
        "0403170701",
        "BE0403170701",
        "BE71096123456769",
    )
    assert "Peeters Bouw BV" in owner.get(reverse("creditors:companies")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("registration_number", "0403.170.702"), ("iban", "BE71 0961 2345 6760")],
)
def test_a_bad_number_is_shown_next_to_its_field(world: World, field: str, value: str) -> None:
    response = world.client_for(world.owner).post(
        reverse("creditors:companies"), COMPANY | {field: value}
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error" role="alert"' in response.content.decode()
    assert not Company.objects.filter(name="Peeters Bouw BV").exists()


@pytest.mark.django_db
def test_read_only_and_members_see_the_list_only(world: World) -> None:
    for user in (world.read_only, world.member):
        client = world.client_for(user)
        html = client.get(reverse("creditors:companies")).content.decode()
        assert "A NV" in html and 'name="registration_number"' not in html
        assert client.post(reverse("creditors:companies"), COMPANY).status_code == 403
        edit = f"{reverse('creditors:company-edit')}?company={world.company.pk}"
        assert client.get(edit).status_code == 403
    assert not Company.objects.filter(name="Peeters Bouw BV").exists()


@pytest.mark.django_db
def test_the_owner_edits_a_company_of_the_account_only(world: World) -> None:
    owner = world.client_for(world.owner)
    edit = reverse("creditors:company-edit")
    assert owner.get(f"{edit}?company={world.company.pk}").status_code == 200
    fields = COMPANY | {"name": "A NV", "registration_number": "0999000822", "vat_number": ""}
    assert owner.post(edit, fields | {"company": world.company.pk}).status_code == 302
    world.company.refresh_from_db()
    assert world.company.city == "Antwerpen"

    assert owner.get(f"{edit}?company={world.other_company.pk}").status_code == 404
    assert owner.post(edit, fields | {"company": world.other_company.pk}).status_code == 404
    world.other_company.refresh_from_db()
    assert world.other_company.city == ""


# --- the switcher ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_company_chosen_in_the_header_is_kept(world: World) -> None:
    second = company_create(
        account=world.account, actor=world.owner, name="Second NV", country="BE",
        registration_number="0999000921", language="nl",
    )  # fmt: skip
    client = world.client_for(world.owner)
    assert "All companies" in client.get(reverse("creditors:team")).content.decode()

    response = client.post(
        reverse("creditors:company-switch"), {"company": second.pk, "next": "/companies/"}
    )
    assert response.status_code == 302 and response["Location"] == "/companies/"
    assert client.session[SESSION_COMPANY_KEY] == second.pk
    html = client.get(reverse("creditors:team")).content.decode()
    assert f'<option value="{second.pk}" selected>Second NV</option>' in html

    client.post(reverse("creditors:company-switch"), {"company": ""})
    assert SESSION_COMPANY_KEY not in client.session


@pytest.mark.django_db
def test_a_company_of_another_account_cannot_be_chosen(world: World) -> None:
    client = world.client_for(world.owner)
    response = client.post(reverse("creditors:company-switch"), {"company": world.other_company.pk})
    assert response.status_code == 404
    assert SESSION_COMPANY_KEY not in client.session


@pytest.mark.django_db
def test_switching_account_forgets_the_company(world: World) -> None:
    Membership.objects.create(account=world.other_account, user=world.owner, role=Role.MEMBER)
    client = world.client_for(world.owner)
    client.post(reverse("creditors:company-switch"), {"company": world.company.pk})
    client.post(reverse("account-switch"), {"account": world.other_account.pk})
    assert SESSION_COMPANY_KEY not in client.session
    assert "Creditor B" in client.get(reverse("creditors:companies")).content.decode()
