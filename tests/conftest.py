import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from bailiffs.models import Office, OfficeMembership
from claims.demo import SAMPLE_REGISTER, Cast, demo_office, walk_to
from claims.models import Claim
from claims.services import InvoiceInput, claim_create_draft
from claims.states import State
from creditors.models import Account, Company, Language, Role, User
from creditors.services import account_create, company_create, membership_add
from debtors.kbo_import import kbo_import
from debtors.models import Debtor, RegisterExtract
from debtors.selectors import classification_cache_clear
from ios_platform.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres or redis skip locally without them, and fail in CI instead."""
    on_postgres = connection.vendor == "postgresql"
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            if IN_CI:
                raise pytest.UsageError("CI runs without PostgreSQL: set DATABASE_URL.")
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if item.get_closest_marker("redis") and not has_redis:
            if IN_CI:
                raise pytest.UsageError("CI runs without Redis: set REDIS_URL.")
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL)"))


@pytest.fixture(autouse=True)
def _eager_celery(settings: object) -> None:
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_passwords(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    classification_cache_clear()
    cache.clear()  # throttle counters


@pytest.fixture
def register(db: None) -> RegisterExtract:
    """The KBO sample (real rows and fixtures) as the register in use."""
    return kbo_import(SAMPLE_REGISTER)


@dataclass
class World:
    """Two creditor accounts, an office and staff: every role the isolation rules know."""

    account: Account
    other_account: Account
    owner: User
    member: User
    read_only: User
    outsider: User
    bailiff: User
    staff: User
    company: Company
    debtor: Debtor
    office: Office
    other_company: Company
    other_debtor: Debtor

    @property
    def cast(self) -> Cast:
        return Cast(creditor=self.owner, bailiff=self.bailiff, staff=self.staff, office=self.office)

    def draft(self, *, account: Account | None = None, reference: str = "", amount: str = "1250.00",
              due: date | None = None) -> Claim:  # fmt: skip
        account = account or self.account
        own = account == self.account
        due = due or timezone.localdate() - timedelta(days=45)
        return claim_create_draft(
            account=account,
            actor=self.owner if own else self.outsider,
            company=self.company if own else self.other_company,
            debtor=self.debtor if own else self.other_debtor,
            own_reference=reference,
            invoices=[InvoiceInput("INV-1", due - timedelta(days=30), due, Decimal(amount))],
        )

    def claim_in(self, state: State, **kwargs: int) -> Claim:
        return walk_to(self.draft(), state, self.cast, **kwargs)

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def _user(email: str, **extra: bool) -> User:
    return User.objects.create_user(email=email, password="pw-123456789", **extra)


def _company(account: Account, actor: User, name: str) -> Company:
    return company_create(
        account=account, actor=actor, name=name, country="BE",
        registration_number="0999000822", language=Language.NL,
    )  # fmt: skip


def _debtor(account: Account) -> Debtor:
    return Debtor.objects.create(
        account=account, registration_number="0999000723", name="Fixture Schrijnwerkerij Gent",
        postal_code="9000", city="Gent", language=Language.NL,
    )  # fmt: skip


@pytest.fixture
def world(db: None) -> World:
    owner = _user("owner@a.test")
    outsider = _user("owner@b.test")
    account = account_create(name="Creditor A", owner=owner)
    other = account_create(name="Creditor B", owner=outsider)
    member, read_only = _user("member@a.test"), _user("readonly@a.test")
    membership_add(account=account, actor=owner, user=member, role=Role.MEMBER)
    membership_add(account=account, actor=owner, user=read_only, role=Role.READ_ONLY)
    bailiff = _user("bailiff@office.test")
    office = demo_office()
    OfficeMembership.objects.create(office=office, user=bailiff)
    return World(
        account=account, other_account=other, owner=owner, member=member, read_only=read_only,
        outsider=outsider, bailiff=bailiff, staff=_user("staff@ios.test", is_staff=True),
        company=_company(account, owner, "A NV"), debtor=_debtor(account), office=office,
        other_company=_company(other, outsider, "B BV"), other_debtor=_debtor(other),
    )  # fmt: skip
