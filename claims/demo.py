"""Demo data: an account with claims in every state, walked there through the real services.

Used by `manage.py seed_demo` and by tests that need a claim in a given state.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bailiffs.models import CoverageRange, Office, OfficeMembership, OfficeRole
from claims import deadlines
from claims.models import Claim
from claims.services import (
    Actor,
    InvoiceInput,
    claim_create_draft,
    claim_hand_off,
    claim_transition,
)
from claims.states import TRANSITIONS, ActorKind, State
from creditors.models import Account, Company, Language, Role, User
from creditors.services import account_create, company_create, membership_add, user_create_verified
from debtors.kbo_import import kbo_import
from debtors.models import Debtor, RegisterExtract

SAMPLE_REGISTER = Path(__file__).resolve().parent.parent / "debtors" / "data" / "kbo_sample"

# How to reach each state from a draft, one declared transition at a time.
_TO_ACCEPTED = ["submit", "request_advance", "accept_on_payment"]
_TO_SERVED = [*_TO_ACCEPTED, "hand_off", "serve_summons"]
_TO_PV = [*_TO_SERVED, "window_elapsed", "draw_pv"]
PATHS: dict[State, list[str]] = {
    State.DRAFT: [],
    State.SUBMITTED: ["submit"],
    State.AWAITING_ADVANCE: ["submit", "request_advance"],
    State.IN_REVIEW: ["submit", "request_advance", "review_on_payment"],
    State.ACCEPTED: _TO_ACCEPTED,
    State.REJECTED: ["submit", "reject"],
    State.WITH_BAILIFF: [*_TO_ACCEPTED, "hand_off"],
    State.SOLVENCY_DOUBTFUL: [*_TO_ACCEPTED, "hand_off", "solvency_doubtful"],
    State.SUMMONS_SERVED: _TO_SERVED,
    State.FACILITIES_GRANTED: [*_TO_SERVED, "grant_facilities"],
    State.READY_FOR_PV: [*_TO_SERVED, "window_elapsed"],
    State.PV_DRAWN: _TO_PV,
    State.TITLE_REQUESTED: [*_TO_PV, "request_title"],
    State.ENFORCEABLE: [*_TO_PV, "request_title", "grant_title"],
    State.ENFORCEMENT: [*_TO_PV, "request_title", "grant_title", "start_enforcement"],
    State.PAID: [*_TO_SERVED, "record_payment"],
    State.CONTESTED: [*_TO_SERVED, "contest"],
    State.DEBTOR_INSOLVENT: [*_TO_ACCEPTED, "hand_off", "debtor_insolvent"],
    State.CANCELLED: ["submit", "request_advance", "cancel"],
    State.IRRECOVERABLE: [*_TO_ACCEPTED, "hand_off", "solvency_doubtful", "stop_after_solvency"],
}

_PREFERENCE = [ActorKind.SYSTEM, ActorKind.BAILIFF, ActorKind.CREDITOR, ActorKind.STAFF]


@dataclass(frozen=True)
class Cast:
    """The people a walk acts as."""

    creditor: User
    bailiff: User
    staff: User
    office: Office

    def actor_for(self, name: str) -> Actor:
        kind = next(k for k in _PREFERENCE if k in TRANSITIONS[name].actors)
        user = {
            ActorKind.SYSTEM: None,
            ActorKind.BAILIFF: self.bailiff,
            ActorKind.CREDITOR: self.creditor,
            ActorKind.STAFF: self.staff,
        }[kind]
        return Actor(kind=kind, user=user)


def walk_to(claim: Claim, state: State, cast: Cast, *, served_days_ago: int = 10) -> Claim:
    """Move a draft to `state` along PATHS, writing the same events a real dossier would."""
    for name in PATHS[state]:
        actor = cast.actor_for(name)
        if name == "hand_off":
            claim_hand_off(account=claim.account, claim=claim, office=cast.office, actor=actor)
            continue
        changes: dict[str, object] = {}
        if name == "submit":
            changes = {"submitted_at": timezone.now(), "eligibility_verdict": "eligible"}
        if name == "serve_summons":
            served_on = timezone.localdate() - timedelta(days=served_days_ago)
            window = deadlines.ios_window(served_on, conservative=settings.IOS_PV_CONSERVATIVE)
            changes = {
                "served_on": window.served_on,
                "month_ends_on": window.month_ends_on,
                "pv_earliest_on": window.pv_earliest_on,
                "window_ends_at": window.pv_ready_at,
            }
        if name == "grant_facilities":
            changes = {"suspended_on": timezone.localdate()}
        claim_transition(
            account=claim.account, claim=claim, name=name, actor=actor, changes=changes
        )
    return claim


DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNT_SLUG = "demo-creditor"


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str


def _user(email: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    return user or user_create_verified(email=email, password=DEMO_PASSWORD, is_staff=staff)


def demo_logins() -> list[Login]:
    return [
        Login("creditor owner", "owner@demo.test", DEMO_PASSWORD),
        Login("creditor member", "member@demo.test", DEMO_PASSWORD),
        Login("creditor read-only", "readonly@demo.test", DEMO_PASSWORD),
        Login("bailiff office member", "bailiff@demo.test", DEMO_PASSWORD),
        Login("back-office staff", "staff@demo.test", DEMO_PASSWORD),
    ]


def demo_office() -> Office:
    office, created = Office.objects.get_or_create(
        enterprise_number="0999000723",
        defaults={
            "name": "Gerechtsdeurwaarders Demo",
            "street": "Kouter 1",
            "postal_code": "9000",
            "city": "Gent",
            "client_account_iban": "BE68539007547034",
            "languages": ["nl", "fr"],
            "capacity": 500,
        },
    )
    if created:
        CoverageRange.objects.create(office=office, postal_code_from=1000, postal_code_to=9999)
    return office


@transaction.atomic
def seed_demo() -> tuple[Account, bool]:
    """Create the demo data once; a second run changes nothing. Returns (account, created)."""
    existing = Account.objects.filter(slug=DEMO_ACCOUNT_SLUG).first()
    if existing is not None:
        return existing, False
    if not RegisterExtract.objects.exists():  # a register to check the demo debtors against
        kbo_import(SAMPLE_REGISTER)
    owner = _user("owner@demo.test")
    staff = _user("staff@demo.test", staff=True)
    bailiff = _user("bailiff@demo.test")
    office = demo_office()
    OfficeMembership.objects.get_or_create(
        office=office, user=bailiff, defaults={"role": OfficeRole.MANAGER}
    )
    account = account_create(name="Demo Creditor", owner=owner)
    Account.objects.filter(pk=account.pk).update(slug=DEMO_ACCOUNT_SLUG)
    account.slug = DEMO_ACCOUNT_SLUG
    membership_add(account=account, actor=owner, user=_user("member@demo.test"), role=Role.MEMBER)
    membership_add(
        account=account, actor=owner, user=_user("readonly@demo.test"), role=Role.READ_ONLY
    )
    companies = _demo_companies(account, owner)
    debtors = _demo_debtors(account)
    cast = Cast(creditor=owner, bailiff=bailiff, staff=staff, office=office)
    today = timezone.localdate()
    for index, state in enumerate(State):
        claim = claim_create_draft(
            account=account,
            actor=owner,
            company=companies[index % len(companies)],
            debtor=debtors[index % len(debtors)],
            own_reference=f"DEMO-{index + 1:03d}",
            invoices=[
                InvoiceInput(
                    number=f"F2026-{index + 101}",
                    issue_date=today - timedelta(days=90 + index),
                    due_date=today - timedelta(days=60 + index),
                    amount=Decimal("850.00") + Decimal(index * 125),
                )
            ],
        )
        walk_to(claim, state, cast, served_days_ago=60 if state in _PAST_WINDOW else 10)
    # One more claim whose window has just ended: the first sweep moves it to "ready for the PV".
    due_now = claim_create_draft(
        account=account,
        actor=owner,
        company=companies[0],
        debtor=debtors[0],
        own_reference="DEMO-SWEEP",
        invoices=[
            InvoiceInput("F2026-900", today - timedelta(days=120), today - timedelta(days=90),
                         Decimal("2400.00"))
        ],
    )  # fmt: skip
    walk_to(due_now, State.SUMMONS_SERVED, cast, served_days_ago=60)
    return account, True


_PAST_WINDOW = {
    State.READY_FOR_PV,
    State.PV_DRAWN,
    State.TITLE_REQUESTED,
    State.ENFORCEABLE,
    State.ENFORCEMENT,
}


def _demo_companies(account: Account, owner: User) -> list[Company]:
    return [
        company_create(
            account=account, actor=owner, name="Demo Bouwmaterialen NV", country="BE",
            registration_number="0999000822", vat_number="BE0999000822",
            iban="BE71096123456769", street="Industrieweg 12", postal_code="9000",
            city="Gent", language=Language.NL,
        ),
        company_create(
            account=account, actor=owner, name="Demo Groothandel BV", country="NL",
            registration_number="12345678", vat_number="NL123456782B01",
            iban="NL91ABNA0417164300", street="Keizersgracht 1", postal_code="1015 CJ",
            city="Amsterdam", language=Language.NL,
        ),
    ]  # fmt: skip


def _demo_debtors(account: Account) -> list[Debtor]:
    rows = [
        ("0999000723", "Fixture Schrijnwerkerij Gent", "Fixturestraat 7", "9000", "Gent", "nl"),
        ("0999000822", "Fixture Menuiserie Namur", "Rue Fixture 8", "5000", "Namur", "fr"),
        ("0999000921", "Fixture Logistique Bruxelles", "Rue Fixture 9", "1050", "Ixelles", "fr"),
        ("0999001119", "Fixture Eupener Handel", "Fixturestraße 11", "4700", "Eupen", "de"),
    ]
    return [
        Debtor.objects.create(
            account=account, country="BE", registration_number=number, name=name,
            street=street, postal_code=postal_code, city=city, language=language,
        )
        for number, name, street, postal_code, city, language in rows
    ]  # fmt: skip
