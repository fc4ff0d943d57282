"""Every URL pattern, as every kind of user: another tenant's object answers 404.

The test walks the URL resolver and fails on a pattern it has no expectation for, so a new
endpoint cannot ship without saying who may see it.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bailiffs.models import LegalDocument
from claims.models import Claim, ClaimDocument
from claims.services import claim_document_add
from tests.conftest import World

ACCOUNT_A = "<id of account A>"  # filled in when the test knows it
ROLES = ("anonymous", "owner", "member", "read_only", "bailiff", "staff", "outsider")
TENANT = {"owner", "member", "read_only"}
NOT_TENANT = {"bailiff", "staff", "outsider"}


@dataclass(frozen=True)
class Expect:
    """The answer each role gets; `method` and `data` say how the pattern is called."""

    statuses: dict[str, int]
    method: str = "get"
    data: dict[str, object] | None = None
    json: bool = False


def _tenant_only(anonymous: int, tenant: int = 200, method: str = "get") -> Expect:
    """Members of the owning account get `tenant`; everyone else is told it does not exist."""
    statuses = {"anonymous": anonymous} | dict.fromkeys(TENANT, tenant)
    return Expect(statuses | dict.fromkeys(NOT_TENANT, 404), method=method)


def _everyone(status: int, method: str = "get", data: dict[str, object] | None = None) -> Expect:
    return Expect(dict.fromkeys(ROLES, status), method=method, data=data)


def _bailiff_only(anonymous: int, bailiff: int = 200, method: str = "get") -> Expect:
    """The office the claim is assigned to sees it; nobody else does."""
    others = dict.fromkeys(TENANT | NOT_TENANT - {"bailiff"}, 404)
    return Expect({"anonymous": anonymous, "bailiff": bailiff} | others, method=method)


def _creditor_action(member: int) -> Expect:
    """An empty POST of a creditor decision: members get `member`, read-only a 403."""
    statuses = {"anonymous": 401, "owner": member, "member": member, "read_only": 403}
    return Expect(statuses | dict.fromkeys(NOT_TENANT, 404), method="post")


def _staff_only() -> Expect:
    return Expect(
        {"anonymous": 302, "staff": 200} | dict.fromkeys(TENANT | NOT_TENANT - {"staff"}, 404)
    )


PRE_CHECK: dict[str, object] = {
    "creditor": {"country": "BE", "registration_number": "0999.000.822"},
    "debtor": {"registration_number": "0999.000.723"},
    "invoices": [
        {"number": "F1", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "100.00"}
    ],
}


EXPECTATIONS: dict[str, Expect] = {
    "healthz": _everyone(200),
    "schema": _everyone(200),
    "api-docs": _everyone(200),
    # Sign-up, login, e-mail and password pages of django-allauth.
    "account_login": Expect({"anonymous": 200} | dict.fromkeys(TENANT | NOT_TENANT, 302)),
    "account_signup": Expect({"anonymous": 200} | dict.fromkeys(TENANT | NOT_TENANT, 302)),
    "account_inactive": _everyone(200),
    "account_email_verification_sent": _everyone(200),
    "account_reset_password": _everyone(200),
    "account_reset_password_done": _everyone(200),
    "account_reset_password_from_key": _everyone(200),  # an unknown key: "link is invalid"
    "account_reset_password_from_key_done": _everyone(200),
    "account_confirm_email": _everyone(200),  # an unknown key: "link expired or invalid"
    "account_confirm_login_code": _everyone(302),  # no login code was asked for
    "account_email": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 200)),
    "account_change_password": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 200)),
    "account_set_password": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 302)),
    "account_reauthenticate": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 200)),
    "mfa_index": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 200)),
    "mfa_activate_totp": _everyone(302),  # asks for the password again first
    "mfa_deactivate_totp": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 404)),
    "mfa_authenticate": _everyone(302),  # nobody is half-way through a login
    "mfa_reauthenticate": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 302)),
    "mfa_view_recovery_codes": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 404)),
    "mfa_generate_recovery_codes": Expect(
        {"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 302)
    ),
    "mfa_download_recovery_codes": Expect(
        {"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 404)
    ),
    "account_logout": _everyone(302, method="post"),
    "set_language": _everyone(302, method="post", data={"language": "nl"}),
    # --- accounts pages (issue 6) ---
    # Team and companies show the caller's own account (an outsider sees B's); staff and bailiffs
    # have none. Owners manage, others get a 403; an empty POST names no invitation/member (404).
    **{
        name: Expect(
            {"anonymous": 302, "outsider": status, "bailiff": 404, "staff": 404}
            | dict.fromkeys(TENANT, status),
            method=method,
        )
        for name, status, method in (
            ("creditors:team", 200, "get"),
            ("creditors:companies", 200, "get"),
            ("creditors:company-switch", 302, "post"),  # back to "all companies"
        )
    },
    "creditors:invite": Expect(  # an empty form: shown again with its errors
        {"anonymous": 302, "owner": 200, "member": 403, "read_only": 403, "outsider": 200}
        | {"bailiff": 404, "staff": 404},
        method="post",
    ),
    **{
        name: Expect(
            {"anonymous": 302, "owner": 404, "member": 403, "read_only": 403}
            | dict.fromkeys(NOT_TENANT, 404),
            method=method,
        )
        for name, method in (
            ("creditors:company-edit", "get"),  # no ?company=: no such company
            ("creditors:invitation-revoke", "post"),
            ("creditors:member-role", "post"),
            ("creditors:member-remove", "post"),
        )
    },
    "creditors:invitation": _everyone(404),  # an unknown key: "this link is not valid"
    "creditors:security": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 200)),
    # --- submission pages (issue 6) ---
    # A new claim is made in the caller's own account (B's for the outsider); read-only members
    # are refused (403). The claim is A's draft: its resume, pay and transfer pages send the
    # draft on to its next step (302).
    **{
        name: Expect(
            {"anonymous": 302, "owner": 200, "member": 200, "read_only": 403, "outsider": 200}
            | {"bailiff": 404, "staff": 404}
        )
        for name in ("submit:start", "submit:check")
    },
    **{
        f"submit:{step}": Expect(
            {"anonymous": 302, "owner": status, "member": status, "read_only": 403}
            | dict.fromkeys(NOT_TENANT, 404)
        )
        for step, status in (
            ("resume", 302),
            ("debtor", 200),
            ("invoices", 200),
            ("quote", 200),
            ("pay", 302),
            ("transfer", 302),
        )
    },
    # --- claim page actions (issue 6) ---
    # A draft may be cancelled: members see the refund first; read-only members are refused.
    "claims:cancel": Expect(
        {"anonymous": 302, "owner": 200, "member": 200, "read_only": 403}
        | dict.fromkeys(NOT_TENANT, 404)
    ),
    # Empty POSTs on a draft: its state offers none of these actions (409); an empty comment
    # names the missing text (400); read-only members are refused (403).
    **{
        f"claims:{action}": Expect(
            {"anonymous": 302, "owner": status, "member": status, "read_only": 403}
            | dict.fromkeys(NOT_TENANT, 404),
            method="post",
        )
        for action, status in (
            ("direct-payment", 409),
            ("plan", 409),
            ("solvency", 409),
            ("pv", 409),
            ("consent", 409),
            ("comment", 400),
        )
    },
    # --- dashboard and notifications (issue 6) ---
    # The dashboard shows the caller's own account (an outsider sees B's figures, never A's);
    # bailiffs and staff have none. The settings page is every logged-in user's own.
    "dashboard": Expect(
        {"anonymous": 302, "outsider": 200, "bailiff": 404, "staff": 404}
        | dict.fromkeys(TENANT, 200)
    ),
    "notifications:settings": Expect({"anonymous": 302} | dict.fromkeys(TENANT | NOT_TENANT, 200)),
    "home": _everyone(302),  # to the dashboard, the office queue, the back office or login
    # Switching to account A: its members may; anyone else is told it does not exist.
    "account-switch": Expect(
        {"anonymous": 302} | dict.fromkeys(TENANT, 302) | dict.fromkeys(NOT_TENANT, 404),
        method="post",
        data={"account": ACCOUNT_A},
    ),
    # A list shows the caller's own account: an outsider sees B's list, never A's claims.
    "api:claims": Expect(
        {
            "anonymous": 401,
            **dict.fromkeys(TENANT, 200),
            "outsider": 200,
            "bailiff": 404,
            "staff": 404,
        }
    ),
    "claims:list": Expect(
        {
            "anonymous": 302,
            **dict.fromkeys(TENANT, 200),
            "outsider": 200,
            "bailiff": 404,
            "staff": 404,
        }
    ),
    "api:claim": _tenant_only(401),
    "api:claim-document": _tenant_only(401),
    "claims:detail": _tenant_only(302),
    "claims:document": _tenant_only(302),
    # An empty upload: members get the 400 naming the field, read-only members a 403.
    "api:claim-documents": Expect(
        {"anonymous": 401, "owner": 400, "member": 400, "read_only": 403}
        | dict.fromkeys(NOT_TENANT, 404),
        method="post",
    ),
    "api:calculator-deadlines": _everyone(200, data={"served_on": "2025-01-15"}),
    "api:eligibility-check": Expect(dict.fromkeys(ROLES, 200), "post", PRE_CHECK, json=True),
    "api:calculator-quote": _everyone(200, data={"principal": "1250.00", "due_date": "2025-01-15"}),
    # The claim is a draft: members are told it does not await an advance (400).
    "api:claim-advance": Expect(
        {"anonymous": 401, "owner": 400, "member": 400, "read_only": 403}
        | dict.fromkeys(NOT_TENANT, 404),
        method="post",
    ),
    "api:claim-money": _tenant_only(401),
    "api:stripe-webhook": _everyone(400, method="post"),  # no signature
    "backoffice:money": _staff_only(),
    "backoffice:handoff": _staff_only(),
    "backoffice:documents": _staff_only(),
    "backoffice:document-download": _staff_only(),
    "claims:legal-document": _tenant_only(302),
    "api:claim-legal-document": _tenant_only(401),
    "api:bailiff-legal-document": _bailiff_only(401),
    "bailiffs:legal-document": _bailiff_only(302),
    "api:bailiff-claims": _bailiff_only(401),
    "api:bailiff-claim": _bailiff_only(401),
    # Empty bodies: the office is told what is missing (400), or that the draft cannot take
    # payment facilities (409).
    **{
        f"api:bailiff-claim-{action}": _bailiff_only(
            401, 409 if action == "facilities" else 400, "post"
        )
        for action in (
            "solvency",
            "summons",
            "payment",
            "facilities",
            "contest",
            "pv",
            "title",
            "enforcement",
            "receipt",
            "close",
        )
    },
    "bailiffs:queue": _bailiff_only(302),
    "bailiffs:claim": _bailiff_only(302),
    "bailiffs:tokens": Expect(
        {"anonymous": 302, "bailiff": 200} | dict.fromkeys(TENANT | NOT_TENANT - {"bailiff"}, 404)
    ),
    "api:claim-pv-request": _creditor_action(409),  # a draft is not ready for the PV
    "api:claim-facilities": _creditor_action(409),  # no payment plan was proposed
    "api:claim-consent": _creditor_action(400),
    "api:claim-solvency-decision": _creditor_action(400),
    "api:claim-direct-payment": _creditor_action(400),
    "backoffice:review-list": _staff_only(),
    "backoffice:review-detail": _staff_only(),
}


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        else:
            yield f"{namespace}{entry.name or ''}", entry


def _kwargs(
    pattern: URLPattern, claim: Claim, document: ClaimDocument, legal: LegalDocument | None = None
) -> dict[str, object]:
    names = set(pattern.pattern.regex.groupindex)
    is_legal = "legal" in str(pattern.pattern) or (pattern.name or "").startswith("document-")
    values: dict[str, object] = {
        "code": claim.code,
        "document_id": legal.pk if legal is not None and is_legal else document.pk,
        "object_id": str(claim.pk),
        "id": str(claim.pk),  # the password-change page of a user (any id answers)
        "app_label": "claims",
        "content_type_id": ContentType.objects.get_for_model(Claim).pk,
        "url": "no-such-page/",
        "key": "no-such-key",
        "uidb36": "0",
    }
    return {name: values[name] for name in names}


class Clients:
    """A fresh client per request, so that calling the logout page logs nobody else out."""

    def __init__(self, world: World) -> None:
        self.users = {
            "owner": world.owner,
            "member": world.member,
            "read_only": world.read_only,
            "bailiff": world.bailiff,
            "staff": world.staff,
            "outsider": world.outsider,
        }

    def __getitem__(self, role: str) -> Client:
        client = Client()
        if role in self.users:
            client.force_login(self.users[role])
        return client


@pytest.fixture
def clients(world: World) -> Clients:
    return Clients(world)


@pytest.mark.django_db
def test_every_url_pattern_as_every_role(world: World, clients: Clients) -> None:
    world.staff.is_superuser = True
    world.staff.save()
    claim = world.draft(reference="A-1")
    Claim.objects.filter(pk=claim.pk).update(office=world.office)  # the bailiff's office has it
    world.draft(account=world.other_account, reference="B-1")
    document = claim_document_add(
        account=world.account,
        actor=world.owner,
        claim=claim,
        kind="invoice",
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    legal = LegalDocument.objects.create(
        account=world.account,
        claim=claim,
        kind="summons",
        language="nl",
        version=1,
        template_version="test",
        file=ContentFile(b"%PDF-1.4 summons", name="summons.pdf"),
        size=16,
        sha256=hashlib.sha256(b"%PDF-1.4 summons").hexdigest(),
    )
    failures: list[str] = []
    for name, pattern in _walk(get_resolver()):
        if name.startswith("admin:"):
            failures += _check_admin(name, pattern, claim, document, clients)
            continue
        expect = EXPECTATIONS.get(name)
        if expect is None:
            failures.append(f"{name or pattern.pattern}: no expectation; add one to this test")
            continue
        path = reverse(name, kwargs=_kwargs(pattern, claim, document, legal))
        for role in ROLES:
            data = {
                k: str(world.account.pk) if v == ACCOUNT_A else v
                for k, v in (expect.data or {}).items()
            }
            if expect.json:
                response = clients[role].post(path, data, content_type="application/json")
            else:
                response = getattr(clients[role], expect.method)(path, data)
            if response.status_code != expect.statuses[role]:
                failures.append(f"{name} as {role}: {response.status_code}")
            elif role == "outsider" and claim.code.encode() in response.content:
                failures.append(f"{name} as outsider shows another tenant's claim")
    assert failures == [], "\n".join(failures)


# History is never written through the admin, not even by staff.
READ_ONLY_ADMIN = (
    "admin:claims_claimevent_",
    "admin:claims_claimdocument_",
    "admin:claims_sweeprun_",
)
WRITES = ("_add", "_delete")


def _check_admin(
    name: str,
    pattern: URLPattern,
    claim: Claim,
    document: ClaimDocument,
    clients: Clients,
) -> list[str]:
    """The admin is for staff: everyone else is sent to its login page or refused."""
    if pattern.name is None:  # the admin's catch-all
        path = "/admin/no-such-page/"
    else:
        path = reverse(name, kwargs=_kwargs(pattern, claim, document))
    failures = []
    for role in ROLES:
        method = "post" if name == "admin:logout" else "get"
        status = getattr(clients[role], method)(path).status_code
        if role == "staff":
            read_only_write = name.startswith(READ_ONLY_ADMIN) and name.endswith(WRITES)
            if status >= 500 or (read_only_write and status != 403):
                failures.append(f"{name} as staff: {status}")
        elif name == "admin:login":
            if status != 200:
                failures.append(f"{name} as {role}: {status}")
        elif status not in {302, 404}:
            failures.append(f"{name} as {role}: {status}")
    return failures
