"""Benchmark of the creditor portal's claim list and claim page, server side, on PostgreSQL.

    .venv/bin/python bench/portal.py [--claims 10000] [--small 100] [--runs 50] [--fresh]

The database is $BENCH_PORTAL_DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/ios_bench_portal: created when missing and migrated. It then
holds two creditor accounts built alike, one with --claims claims and one with --small claims,
so that every figure can be read at both sizes. A later run reuses the data when both accounts
are there with those sizes; --fresh drops the database and builds it again. What Django writes
to disk (VAR_DIR, MEDIA_ROOT) goes to a temporary directory; DEBUG is off. This is not a test:
pytest collects tests/test_*.py only and .ci/run does not run it.

Data (per account, with bulk_create): 3 companies, 200 debtors, claims in every state with the
mix below, 1–3 invoices each, the state machine's events along the path to their state (the
paths of claims/demo.py), and an advance-received ledger transaction where the advance was paid.
One more claim per account, the newest, is walked to `summons_served` through the real services
(claim_create_draft, claim_transition: real events, ledger and deadlines) and given 3 documents
and 3 comments: that is the claim page measured.

Measured, as the owner logged in, through Django's test Client (the whole server side:
middleware, session, view, queries, template), each page --runs times after 5 warm-ups, the pages
taken in turn round after round:

- GET /claims/ (first page of 50), GET /claims/?state=summons_served&company=<id> (filtered),
  GET /claims/?q=<a debtor name> (search), GET /claims/<code>/ (the claim page);
- the baseline of each list page: the same list query evaluated alone through the ORM (the count
  and the first 50 rows with their invoices, as the view's paginator does), and of the claim page:
  `claims.selectors.claim_get` alone; and GET /healthz (the cheapest request of the platform).

Figures: median and p95 (nearest rank) in ms, page / baseline at the median, and, in a separate
pass under an execute wrapper (5 calls after the warm-ups), the number of queries (it must be
the same on every call) and the median time spent executing them (fetch included), at both
sizes: the count must not grow with the number of claims. Before measuring, the script waits up
to --quiet-wait seconds until the rest of the machine uses less than 0.3 core (/proc/stat), and
it prints how busy the machine was while measuring. Goal (issue 6): median < 150 ms for
list and detail at 10,000 claims, constant query counts. --profile prints where a page spends its
time (cProfile, top functions by cumulative time).

Results go in docs/benchmarks.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql as pgsql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ios_bench_portal"
GOAL_MS = 150.0
WARM_UPS = 5
PAGE_SIZE = 50
DEBTORS = 200
SEED = 1394

# How the claims of an account are spread over the states (weights), roughly a year of work.
STATE_MIX = {
    "draft": 4,
    "submitted": 1,
    "awaiting_advance": 4,
    "in_review": 2,
    "accepted": 1,
    "rejected": 3,
    "with_bailiff": 6,
    "solvency_doubtful": 1,
    "summons_served": 20,
    "facilities_granted": 4,
    "ready_for_pv": 5,
    "pv_drawn": 4,
    "title_requested": 3,
    "enforceable": 4,
    "enforcement": 3,
    "paid": 18,
    "contested": 6,
    "debtor_insolvent": 3,
    "cancelled": 4,
    "irrecoverable": 4,
}
ADVANCE_PAID = {"accept_on_payment", "review_on_payment"}
SERVED = "serve_summons"


class BenchError(RuntimeError):
    pass


# --- database -----------------------------------------------------------------------------------


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def prepare_database(url: str, *, fresh: bool) -> None:
    """Create the database when missing (after dropping it with --fresh)."""
    name = pgsql.Identifier(database_name(url))
    with psycopg.connect(admin_url(url), autocommit=True) as admin:
        if fresh:
            admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]
        ).fetchone()
        if not exists:
            admin.execute(pgsql.SQL("CREATE DATABASE {}").format(name))
            print(f"created database {database_name(url)}")


def setup_django(url: str, var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ios_platform.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ["MEDIA_ROOT"] = str(var_dir / "media")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production runs
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tenant:
    """One bench account and what the measured pages need of it."""

    size: int
    account_id: int
    owner_id: int
    company_id: int  # the filtered page's company
    search: str  # the search page's query: one debtor's name
    code: str  # the claim page's claim


def slug_for(size: int) -> str:
    return f"bench-portal-{size}"


def load_or_build(sizes: Sequence[int]) -> list[Tenant]:
    from claims.models import Claim
    from creditors.models import Account

    tenants = []
    for size in sizes:
        account = Account.objects.filter(slug=slug_for(size)).first()
        if account is None:
            started = time.perf_counter()
            account = build_account(size)
            print(f"  built {size:,} claims in {time.perf_counter() - started:.1f} s")
        elif Claim.objects.filter(account=account).count() != size + 1:
            raise BenchError(f"{slug_for(size)} holds other data: run again with --fresh")
        tenants.append(tenant_of(account, size))
    analyze()
    return tenants


def tenant_of(account: Any, size: int) -> Tenant:
    from claims.models import Claim
    from creditors.models import Membership, Role

    owner = Membership.objects.get(account=account, role=Role.OWNER).user
    showcase = Claim.objects.get(account=account, own_reference="SHOWCASE")
    company = account.companies.order_by("pk").first()
    return Tenant(
        size=size,
        account_id=account.pk,
        owner_id=owner.pk,
        company_id=company.pk,
        search=account.debtors.order_by("pk")[7].name,
        code=showcase.code,
    )


def describe(tenant: Tenant) -> str:
    from django.db.models import Count

    from claims.models import Claim, ClaimEvent, Invoice
    from fees.models import LedgerEntry

    claims = Claim.objects.filter(account_id=tenant.account_id)
    states = claims.values("state").annotate(n=Count("id")).order_by("-n")
    invoices = Invoice.objects.filter(account_id=tenant.account_id).count()
    events = ClaimEvent.objects.filter(account_id=tenant.account_id).count()
    entries = LedgerEntry.objects.filter(account_id=tenant.account_id).count()
    top = ", ".join(f"{row['n']:,} {row['state']}" for row in states[:5])
    return (
        f"{claims.count():,} claims in {len(states)} states ({top}, …), {invoices:,} invoices,"
        f" {events:,} events, {entries:,} ledger entries"
    )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def build_account(size: int) -> Any:
    from django.db import transaction

    with transaction.atomic():
        account, people = build_tenant(size)
        build_claims(account, people, size, random.Random(SEED + size))
        build_showcase(account, people)
    return account


@dataclass(frozen=True)
class People:
    owner: Any
    bailiff: Any
    staff: Any
    office: Any
    companies: list[Any]
    debtors: list[Any]


def belgian_number(base: int) -> str:
    """A 10-digit enterprise number with its mod-97 check digits."""
    return f"{base:08d}{97 - base % 97:02d}"


def build_tenant(size: int) -> tuple[Any, People]:
    from bailiffs.models import OfficeMembership
    from claims.demo import demo_office
    from creditors.models import Account, Company, Language
    from creditors.services import account_create, user_create_verified
    from debtors.models import Debtor

    owner = user_create_verified(email=f"owner-{size}@bench.test", password="bench-pass-2026")
    bailiff = user_create_verified(email=f"bailiff-{size}@bench.test", password="bench-2026")
    staff = user_create_verified(email=f"staff-{size}@bench.test", password="bench-2026")
    office = demo_office()
    OfficeMembership.objects.get_or_create(office=office, user=bailiff)
    account = account_create(name=f"Bench creditor {size}", owner=owner)
    Account.objects.filter(pk=account.pk).update(slug=slug_for(size))
    companies = [
        Company.objects.create(
            account=account, name=name, country="BE", registration_number=belgian_number(base),
            language=Language.NL, iban="BE71096123456769",
        )
        for name, base in [("Bench Bouw NV", 9990001), ("Bench Handel BV", 9990002),
                           ("Bench Services SRL", 9990003)]
    ]  # fmt: skip
    cities = [("9000", "Gent", "nl"), ("5000", "Namur", "fr"), ("1050", "Ixelles", "fr"),
              ("2000", "Antwerpen", "nl"), ("4700", "Eupen", "de")]  # fmt: skip
    debtors = Debtor.objects.bulk_create(
        Debtor(
            account=account, registration_number=belgian_number(4_000_000 + n),
            name=f"Bench debtor {n:03d} {('BV', 'NV', 'SRL', 'SA')[n % 4]}",
            street=f"Benchstraat {n + 1}", postal_code=cities[n % 5][0], city=cities[n % 5][1],
            language=cities[n % 5][2],
        )
        for n in range(DEBTORS)
    )  # fmt: skip
    return account, People(owner, bailiff, staff, office, companies, debtors)


def build_claims(account: Any, people: People, size: int, rng: random.Random) -> None:
    """`size` claims with invoices, events and ledger, written with bulk_create."""
    from claims.codes import new_payment_reference, new_public_code
    from claims.demo import PATHS
    from claims.models import Claim, ClaimEvent, Invoice
    from claims.states import TRANSITIONS, State

    now = datetime.now(UTC)
    states = list(STATE_MIX)
    weights = list(STATE_MIX.values())
    codes: set[str] = set()
    claims, paths = [], []
    for index in range(size):
        state = rng.choices(states, weights)[0]
        created = now - timedelta(days=1, minutes=index * 37 % (365 * 24 * 60))
        code = new_public_code()
        while code in codes:
            code = new_public_code()
        codes.add(code)
        claim = Claim(
            account=account, company=people.companies[index % 3],
            debtor=people.debtors[rng.randrange(DEBTORS)], code=code,
            payment_reference=new_payment_reference(),
            own_reference=f"REF-{size}-{index:05d}" if index % 3 else "",
            language="nl", state=state, state_changed_at=created + timedelta(days=3),
            created_by=people.owner,
        )  # fmt: skip
        path = PATHS[State(state)]
        set_claim_dates(claim, path, created, now, people.office)
        claims.append(claim)
        paths.append((path, created))
    Claim.objects.bulk_create(claims, batch_size=2000)
    spread_creation_dates(claims, [created for _, created in paths])
    invoices, events = [], []
    for claim, (path, created) in zip(claims, paths, strict=True):
        for n in range(1 + rng.randrange(3)):
            amount = Decimal(rng.randrange(50_000, 2_000_000)) / 100
            credit = Decimal("0.00") if n else (amount / 10).quantize(Decimal("0.01"))
            invoices.append(
                Invoice(
                    account=account, claim=claim, number=f"F{created:%Y}-{index_of(rng)}-{n}",
                    issue_date=(created - timedelta(days=90)).date(),
                    due_date=(created - timedelta(days=60)).date(), amount=amount,
                    credit_notes=credit,
                )
            )  # fmt: skip
        state = State.DRAFT
        for step, name in enumerate(path):
            target = TRANSITIONS[name].target
            events.append(
                ClaimEvent(
                    account=account, claim=claim, name=name, from_state=state, to_state=target,
                    actor_kind=next(iter(sorted(TRANSITIONS[name].actors))),
                    actor=people.owner if name == "submit" else None,
                    created_at=created + timedelta(hours=6 * (step + 1)),
                )
            )  # fmt: skip
            state = target
    Invoice.objects.bulk_create(invoices, batch_size=5000)
    ClaimEvent.objects.bulk_create(events, batch_size=5000)
    build_ledger(account, claims, paths)


def spread_creation_dates(claims: list[Any], created: list[datetime]) -> None:
    """created_at is auto_now_add, so bulk_create wrote "now": set the real spread in one UPDATE."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim AS c SET created_at = v.created"
            " FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created) WHERE c.id = v.id",
            [[claim.pk for claim in claims], created],
        )


def index_of(rng: random.Random) -> str:
    return f"{rng.randrange(10**6):06d}"


def set_claim_dates(
    claim: Any, path: list[str], created: datetime, now: datetime, office: Any
) -> None:
    """The deadlines and dates a claim in this state carries, as the services would set them."""
    if "submit" in path:
        claim.submitted_at = created + timedelta(hours=6)
        claim.eligibility_verdict = "eligible"
    if ADVANCE_PAID & set(path):
        claim.advance_paid_at = created + timedelta(days=1)
    if claim.state == "in_review":
        claim.acceptance_due_at = now + timedelta(days=1)
    if "hand_off" in path:
        claim.office = office
        claim.handed_off_at = created + timedelta(days=2)
        claim.service_due_at = created + timedelta(days=9)
    if SERVED in path:
        served = (created + timedelta(days=5)).date()
        claim.served_on = served
        claim.month_ends_on = served + timedelta(days=31)
        claim.pv_earliest_on = served + timedelta(days=40)
        claim.window_ends_at = datetime.combine(claim.pv_earliest_on, datetime.min.time(), UTC)
    if claim.state == "facilities_granted":
        claim.suspended_on = (created + timedelta(days=20)).date()


def build_ledger(account: Any, claims: list[Any], paths: list[tuple[list[str], datetime]]) -> None:
    """An advance-received transaction (bank +, advance −) for every claim that paid one."""
    from fees.models import LedgerAccount, LedgerEntry, LedgerTransaction

    transactions, amounts = [], []
    for claim, (path, created) in zip(claims, paths, strict=True):
        if ADVANCE_PAID & set(path):
            transactions.append(
                LedgerTransaction(
                    account=account, claim=claim, kind=LedgerTransaction.Kind.ADVANCE_RECEIVED,
                    memo="advance", booked_on=(created + timedelta(days=1)).date(),
                )
            )  # fmt: skip
            amounts.append(Decimal("133.10"))
    LedgerTransaction.objects.bulk_create(transactions, batch_size=5000)
    entries = []
    for tx, amount in zip(transactions, amounts, strict=True):
        entries.append(
            LedgerEntry(account=account, claim_id=tx.claim_id, transaction=tx,
                        ledger_account=LedgerAccount.BANK, amount=amount)
        )  # fmt: skip
        entries.append(
            LedgerEntry(account=account, claim_id=tx.claim_id, transaction=tx,
                        ledger_account=LedgerAccount.ADVANCE, amount=-amount)
        )  # fmt: skip
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)


def build_showcase(account: Any, people: People) -> None:
    """The claim page measured: walked to summons_served by the real services, with 3 invoices,
    3 documents and 3 comments."""
    from claims.demo import Cast, walk_to
    from claims.models import Claim, ClaimComment, ClaimDocument
    from claims.services import InvoiceInput, claim_create_draft
    from claims.states import State

    today = date.today()
    claim = claim_create_draft(
        account=account, actor=people.owner, company=people.companies[0],
        debtor=people.debtors[7], own_reference="SHOWCASE",
        invoices=[
            InvoiceInput(f"F2026-{n}", today - timedelta(days=120 - n),
                         today - timedelta(days=90 - n), Decimal("1250.00") * n)
            for n in (1, 2, 3)
        ],
    )  # fmt: skip
    cast = Cast(
        creditor=people.owner, bailiff=people.bailiff, staff=people.staff, office=people.office
    )
    walk_to(claim, State.SUMMONS_SERVED, cast, served_days_ago=12)
    for kind, name in [("invoice", "invoice-1.pdf"), ("terms", "terms.pdf"),
                       ("reminder", "reminder.pdf")]:  # fmt: skip
        # The page lists the documents by name: the rows are enough, no file is written.
        ClaimDocument.objects.create(
            account=account, claim=claim, kind=kind, file=f"bench/{name}", original_name=name,
            content_type="application/pdf", size=1024, sha256="0" * 64, uploaded_by=people.owner,
        )  # fmt: skip
    for n in range(3):
        ClaimComment.objects.create(
            account=account, claim=claim, author=people.owner, body=f"Bench note {n + 1}."
        )
    assert Claim.objects.get(pk=claim.pk).state == State.SUMMONS_SERVED


# --- measuring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One thing timed: a page through the test Client, or a baseline call."""

    key: str
    label: str
    tenant: Tenant
    run: Callable[[], object]
    page: bool  # a page (its queries are counted) or a baseline


@dataclass
class Result:
    probe: Probe
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    sql_ms: float = 0.0


def client_for(tenant: Tenant) -> Any:
    from django.test import Client

    from creditors.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(pk=tenant.owner_id))
    return client


def page_runner(client: Any, url: str, expect: str, rows: int | None) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"GET {url}: {response.status_code}")
        body = response.content.decode()
        if expect not in body:
            raise BenchError(f"GET {url}: {expect!r} not in the page")
        if rows is not None and body.count('href="/claims/') < rows:
            raise BenchError(f"GET {url}: fewer than {rows} claim links")
        return response

    return run


def list_baseline(tenant: Tenant, **filters: Any) -> Callable[[], object]:
    """The list page's query alone: the count and the first page with its invoices."""
    from django.core.paginator import Paginator

    from claims.selectors import claims_of, claims_search
    from creditors.models import Account

    account = Account.objects.get(pk=tenant.account_id)

    def run() -> object:
        claims = claims_search(claims_of(account=account), **filters)
        page = Paginator(claims.prefetch_related("invoices"), PAGE_SIZE).get_page(1)
        return [claim.total for claim in page.object_list], page.paginator.count

    return run


def detail_baseline(tenant: Tenant) -> Callable[[], object]:
    from claims.selectors import claim_get
    from creditors.models import Account

    account = Account.objects.get(pk=tenant.account_id)
    return lambda: claim_get(account=account, code=tenant.code)


def probes_for(tenant: Tenant) -> list[Probe]:
    client = client_for(tenant)
    state = "summons_served"
    filtered = f"/claims/?state={state}&company={tenant.company_id}"
    search = "/claims/?q=" + tenant.search.replace(" ", "+")
    rows = min(PAGE_SIZE, tenant.size)
    return [
        Probe("list", "GET /claims/ (first page)", tenant,
              page_runner(client, "/claims/", tenant.code, rows), True),
        Probe("filtered", "GET /claims/?state=&company= (filtered)", tenant,
              page_runner(client, filtered, "summons_served", None), True),
        Probe("search", "GET /claims/?q=<debtor name> (search)", tenant,
              page_runner(client, search, tenant.search, None), True),
        Probe("detail", "GET /claims/<code>/ (claim page)", tenant,
              page_runner(client, f"/claims/{tenant.code}/", tenant.code, None), True),
        Probe("list-orm", "baseline: list query alone (ORM)", tenant, list_baseline(tenant), False),
        Probe("filtered-orm", "baseline: filtered query alone (ORM)", tenant,
              list_baseline(tenant, state=state, company_id=tenant.company_id), False),
        Probe("search-orm", "baseline: search query alone (ORM)", tenant,
              list_baseline(tenant, query=tenant.search), False),
        Probe("detail-orm", "baseline: claim_get() alone (ORM)", tenant,
              detail_baseline(tenant), False),
        Probe("healthz", "GET /healthz (cheapest request)", tenant,
              page_runner(client, "/healthz", '"ok"', None), False),
        Probe("connect", "a new database connection", tenant, reconnect, False),
    ]  # fmt: skip


class SqlTimer:
    """An execute wrapper that counts the statements and adds up their time (with the fetch:
    psycopg reads the rows inside execute)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: Any) -> Any:  # fmt: skip
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def count_queries(result: Result, passes: int = 5) -> None:
    """Queries of one call (must be the same every time) and the median time spent in them."""
    from django.db import connection

    counts, seconds = set(), []
    for _ in range(passes):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            result.probe.run()
        counts.add(timer.count)
        seconds.append(timer.seconds)
    if len(counts) != 1:
        raise BenchError(f"{result.probe.label}: the query count varies: {sorted(counts)}")
    result.queries = counts.pop()
    result.sql_ms = statistics.median(seconds) * 1000


def reconnect() -> object:
    """What a request pays first with CONN_MAX_AGE=0 (the settings' default): a new connection.
    The test Client keeps the connection open between requests, so the pages do not include it."""
    from django.db import connection

    connection.close()
    connection.ensure_connection()
    return connection


@dataclass
class Load:
    before: float = 0.0  # cores busy on the machine just before measuring
    during: float = 0.0  # cores busy on the whole machine while measuring
    own: float = 0.0  # of which this process (PostgreSQL serving it is in `during` too)


def measure(probes: list[Probe], runs: int, load: Load) -> list[Result]:
    ticks, cpu, wall = cpu_ticks(), time.process_time(), time.perf_counter()
    results = _measure(probes, runs)
    load.during = busy_cores(ticks, cpu_ticks())
    load.own = (time.process_time() - cpu) / (time.perf_counter() - wall)
    return results


def _measure(probes: list[Probe], runs: int) -> list[Result]:
    results = [Result(probe) for probe in probes]
    for result in results:
        for _ in range(WARM_UPS):
            result.probe.run()
        count_queries(result)
    for _ in range(runs):  # the probes in turn, so that a slow moment hits them all alike
        for result in results:
            start = time.perf_counter()
            result.probe.run()
            result.times_ms.append((time.perf_counter() - start) * 1000)
    return results


def profile(probe: Probe, runs: int = 20) -> str:
    """The project's own functions by cumulative time, then every function by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        probe.run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"/(claims|fees|creditors|bailiffs|ios_platform)/", 15
    )
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


# --- the machine's load: measure when it is quiet, and say how busy it was ----------------------


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat (0, 0 where there is none)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def busy_cores(before: tuple[int, int], after: tuple[int, int]) -> float:
    busy, total = after[0] - before[0], after[1] - before[1]
    return busy / total * (os.cpu_count() or 1) if total else 0.0


def wait_until_quiet(limit_s: float, threshold: float = 0.3) -> float:
    """Wait (up to limit_s) until the rest of the machine uses less than `threshold` core."""
    deadline = time.monotonic() + limit_s
    while True:
        before = cpu_ticks()
        time.sleep(2)
        load = busy_cores(before, cpu_ticks())
        if load < threshold or time.monotonic() >= deadline:
            return load


# --- reporting ----------------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def machine() -> list[str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    libpq = psycopg.pq.version()
    return [
        f"{platform.system()} {platform.release()} {platform.machine()}, nproc {os.cpu_count()}",
        f"Python {platform.python_version()}, Django {django.get_version()},"
        f" psycopg {psycopg.__version__} (libpq {libpq // 10000}.{libpq % 10000})",
        f"PostgreSQL {server} (shared_buffers {buffers}), DEBUG off",
    ]


def report(results: list[Result], tenants: list[Tenant], runs: int, load: Load) -> bool:
    sizes = [tenant.size for tenant in tenants]
    by_key = {(r.probe.key, r.probe.tenant.size): r for r in results}
    large, small = max(sizes), min(sizes)
    print()
    print(f"Portal benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {runs} runs per figure")
    for line in machine():
        print(f"  {line}")
    print(
        f"  load: {load.before:.2f} cores busy before; while measuring {load.during:.2f} cores,"
        f" of which this process {load.own:.2f}"
    )
    for tenant in tenants:
        print(f"  data: {describe(tenant)}")
    print(f"  claim page: {tenants[0].code} (summons_served, 3 invoices, 3 documents, 3 comments)")
    print()
    header = (
        f"{'figure':<44}{'claims':>8}{'p50 ms':>9}{'p95 ms':>9}{'÷ base':>8}"
        f"{'queries':>9}{'SQL ms':>8}  goal"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for key in ("list", "filtered", "search", "detail", "list-orm", "filtered-orm",
                "search-orm", "detail-orm", "healthz", "connect"):  # fmt: skip
        for size in (large, small):
            result = by_key[(key, size)]
            median = statistics.median(result.times_ms)
            base = by_key.get((f"{key}-orm", size))
            ratio = f"{median / statistics.median(base.times_ms):>8.1f}" if base else " " * 8
            goal = ""
            if result.probe.page and key != "healthz" and size == large:
                met = median < GOAL_MS
                ok = ok and met
                goal = f"< {GOAL_MS:.0f} ms: {'PASS' if met else 'FAIL'}"
            print(
                f"{result.probe.label:<44}{size:>8,}{median:>9.1f}{p95(result.times_ms):>9.1f}"
                f"{ratio}{result.queries:>9}{result.sql_ms:>8.1f}  {goal}"
            )
    print()
    for key in ("list", "filtered", "search", "detail"):
        counts = {size: by_key[(key, size)].queries for size in sizes}
        same = len(set(counts.values())) == 1
        ok = ok and same
        text = ", ".join(f"{n} at {size:,}" for size, n in counts.items())
        print(f"queries of {key:<9}: {text}: {'constant, PASS' if same else 'GROWS, FAIL'}")
    print()
    print("All goals met." if ok else "Some goals are NOT met.")
    return ok


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=int, default=10_000, help="claims of the large account")
    parser.add_argument("--small", type=int, default=100, help="claims of the small account")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per figure (50)")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--profile", action="store_true", help="cProfile the large pages")
    parser.add_argument(
        "--quiet-wait", type=float, default=300, help="seconds to wait for a quiet machine (300)"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_PORTAL_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args(argv)
    if not 0 < args.small < args.claims or args.runs < 1:
        parser.error("need 0 < --small < --claims and --runs >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = (args.claims, args.small)
    prepare_database(args.database_url, fresh=args.fresh)
    with tempfile.TemporaryDirectory(prefix="ios_bench_portal_") as var_dir:
        setup_django(args.database_url, Path(var_dir))
        from django.db import connections

        try:
            tenants = load_or_build(sizes)
            probes = [probe for tenant in tenants for probe in probes_for(tenant)]
            load = Load(before=wait_until_quiet(args.quiet_wait))
            results = measure(probes, args.runs, load)
            ok = report(results, tenants, args.runs, load)
            if args.profile:
                for probe in probes:
                    if probe.page and probe.tenant.size == args.claims:
                        print(f"\n--- profile of {probe.label}, {args.claims:,} claims, 20 runs")
                        print(profile(probe))
            return 0 if ok else 1
        finally:
            connections.close_all()


if __name__ == "__main__":
    sys.exit(main())
