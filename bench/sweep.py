"""Benchmark of the deadline sweep (`claims.services.claim_sweep_due`) on PostgreSQL.

    .venv/bin/python bench/sweep.py [--claims 100000] [--due 10000] [--repeat 3]

It creates a throwaway database on the server given by --server (default $BENCH_POSTGRES_URL,
else postgresql://postgres@127.0.0.1:5432/postgres), migrates it, fills it with COPY, measures,
and drops it again, also on failure. What Django writes to disk (VAR_DIR, MEDIA_ROOT) goes to a
temporary directory. This is not a test: pytest collects tests/test_*.py only and .ci/run does
not run it.

Every figure is printed against a baseline measured in the same run:

1. Due sweep: claims moved per second by `claim_sweep_due()`, each with its event row. The
   floor is the very SQL the service issued (captured with `connection.execute_wrapper` during
   a warm-up sweep), replayed straight through psycopg in the same transactions, with the same
   cursor kind (client-side binding) and no prepared statements, as Django does. The ratio is
   service rate / floor rate. Service and floor runs alternate; before each, the due claims are
   put back and their events deleted (raw SQL: the model forbids deleting events), then
   VACUUM ANALYZE and CHECKPOINT, so every run starts from the same table state.
2. Idle sweep: the time of `claim_sweep_due()` with nothing due (median of --idle-runs), and
   the replay of its SQL as the floor.

Results go in docs/benchmarks.md.
"""

import argparse
import contextlib
import os
import platform
import random
import re
import secrets
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql as pgsql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"

GOAL_RATE = 2000.0  # due transitions per second, each with its event row
GOAL_RATIO = 0.5  # service rate / psycopg floor rate
GOAL_IDLE_MS = 50.0  # one sweep with nothing due

CLAIM_COLUMNS = (
    "account_id",
    "company_id",
    "debtor_id",
    "code",
    "payment_reference",
    "own_reference",
    "language",
    "state",
    "state_changed_at",
    "eligibility_verdict",
    "eligibility_reasons",
    "submitted_at",
    "advance_paid_at",
    "handed_off_at",
    "acceptance_due_at",
    "service_due_at",
    "served_on",
    "month_ends_on",
    "pv_earliest_on",
    "window_ends_at",
    "suspended_on",
    "created_at",
    "created_by_id",
)

# A due claim is put back by this UPDATE; generation gives it the same state_changed_at.
RESET_SQL = (
    "UPDATE claims_claim SET state = 'summons_served',"
    " state_changed_at = window_ends_at - interval '40 days' WHERE state = 'ready_for_pv'"
)
HISTORY_SQL = """
INSERT INTO claims_claimevent
    (account_id, claim_id, name, from_state, to_state, actor_kind, reason, data, created_at)
SELECT account_id, id,
       CASE state WHEN 'with_bailiff' THEN 'hand_off'
                  WHEN 'in_review' THEN 'review_on_payment'
                  WHEN 'facilities_granted' THEN 'grant_facilities'
                  ELSE 'serve_summons' END,
       CASE state WHEN 'with_bailiff' THEN 'accepted'
                  WHEN 'in_review' THEN 'awaiting_advance'
                  WHEN 'facilities_granted' THEN 'summons_served'
                  ELSE 'with_bailiff' END,
       state, 'system', '', '{}'::jsonb, state_changed_at
FROM claims_claim ORDER BY id
"""


class BenchError(RuntimeError):
    pass


# --- capturing the service's SQL and replaying it through psycopg -----------------------------


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any
    many: bool


@dataclass
class Unit:
    """What Django ran in one transaction, or one statement in autocommit."""

    transactional: bool
    statements: list[Statement] = field(default_factory=list)


class Recorder:
    """An execute wrapper that records each statement and the transaction it belongs to."""

    def __init__(self) -> None:
        self.units: list[Unit] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        db = context["connection"]
        autocommit = db.get_autocommit()
        idle = db.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        if autocommit or idle or not self.units:
            self.units.append(Unit(transactional=not autocommit))
        self.units[-1].statements.append(Statement(sql, params, many))
        return execute(sql, params, many, context)

    @property
    def statement_count(self) -> int:
        return sum(len(unit.statements) for unit in self.units)


def replay(conn: psycopg.Connection[Any], units: Sequence[Unit]) -> None:
    """Issue the recorded statements again, in the same transactions, fetching every result."""
    cursor = psycopg.ClientCursor(conn)
    for unit in units:
        if unit.transactional:
            with conn.transaction():
                _execute_all(cursor, unit.statements)
        else:
            _execute_all(cursor, unit.statements)


def _execute_all(cursor: psycopg.ClientCursor[Any], statements: Iterable[Statement]) -> None:
    for statement in statements:
        if statement.many:
            cursor.executemany(statement.sql, statement.params)
        else:
            cursor.execute(statement.sql, statement.params)
            if cursor.description is not None:
                cursor.fetchall()


def describe(units: Sequence[Unit]) -> list[str]:
    """The statements of the first moving transaction, shortened, to show what is compared."""
    unit = max(units, key=lambda u: len(u.statements))
    lines = []
    for statement in unit.statements:
        text = " ".join(statement.sql.split())
        text = re.sub(r'"claims_\w+"\.', "", text)  # table prefixes of column names
        text = re.sub(r"%s(?:, %s)+", lambda m: f"%s ×{m[0].count('%s')}", text)
        text = re.sub(r'\((?:"\w+", )+"\w+"\)', lambda m: f"({m[0].count(',') + 1} columns)", text)
        text = re.sub(
            r"UNNEST\((?:\(%s\)::[\w ]+\[\], )+\(%s\)::[\w ]+\[\]\)",
            lambda m: f"UNNEST({m[0].count('%s')} arrays)",
            text,
        )
        lines.extend(textwrap.wrap(text, 92, subsequent_indent="    "))
    return lines


# --- the throwaway database and Django ----------------------------------------------------------


def database_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def create_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )


def setup_django(url: str, var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ios_platform.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ["MEDIA_ROOT"] = str(var_dir / "media")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production runs
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    claims: int
    due: int
    by_state: dict[str, int]  # before any sweep
    history_events: int

    def after_sweep(self) -> dict[str, int]:
        counts = dict(self.by_state)
        counts["summons_served"] -= self.due
        counts["ready_for_pv"] = self.due
        return counts


def generate(raw: psycopg.Connection[Any], *, claims: int, due: int, seed: int) -> Dataset:
    """One account, company and creator, four debtors; `claims` open claims, `due` of them due.

    The due claims sit in summons_served with window_ends_at in the past, scattered over the
    table and in an order unrelated to their ids. Of the others, 80 % are in summons_served with
    the window ahead, 10 % with the bailiff and 5 % in review (SLA ahead), and 5 % have payment
    facilities granted (window in the past, but suspended: the sweep must leave them).
    """
    from creditors.models import Account, Company, User
    from debtors.models import Debtor

    user = User.objects.create_user("bench@bench.test")
    account = Account.objects.create(name="Bench creditor", slug="bench")
    company = Company.objects.create(
        account=account, name="Bench NV", country="BE", registration_number="0999000822",
        language="nl",
    )  # fmt: skip
    debtors = [
        Debtor.objects.create(
            account=account, registration_number=f"0999{n:06d}", name=f"Bench debtor {n}",
            language="nl",
        )
        for n in range(4)
    ]  # fmt: skip

    now = datetime.now(UTC)
    rng = random.Random(seed)
    due_positions = set(rng.sample(range(claims), due))
    due_offsets = list(range(due))
    rng.shuffle(due_offsets)
    by_state: dict[str, int] = {}

    def row(index: int, due_rank: int | None, other_rank: int) -> tuple[Any, ...]:
        created = now - timedelta(days=90, seconds=index)
        values: dict[str, Any] = dict.fromkeys(CLAIM_COLUMNS)
        values.update(
            account_id=account.pk,
            company_id=company.pk,
            debtor_id=debtors[index % len(debtors)].pk,
            code=f"B{index:09d}",
            payment_reference=f"{index:012d}",
            own_reference="",
            language="nl",
            eligibility_verdict="eligible",
            eligibility_reasons="[]",
            submitted_at=created + timedelta(hours=1),
            advance_paid_at=created + timedelta(days=1),
            created_at=created,
            created_by_id=user.pk,
        )
        kind = other_rank % 20
        if due_rank is not None:
            state, window = "summons_served", now - timedelta(days=1, seconds=due_rank)
        elif kind in (0, 1):
            state, window = "with_bailiff", None
            values["service_due_at"] = now + timedelta(days=1 + other_rank % 5, seconds=index)
            values["state_changed_at"] = created + timedelta(days=2)
        elif kind == 2:
            state, window = "in_review", None
            values["acceptance_due_at"] = now + timedelta(hours=1, seconds=index)
            values["state_changed_at"] = created + timedelta(days=1)
        elif kind == 3:
            state, window = "facilities_granted", now - timedelta(days=3, seconds=index)
        else:
            state, window = "summons_served", now + timedelta(days=1 + other_rank % 30)
        if window is not None:
            values["window_ends_at"] = window
            values["pv_earliest_on"] = window.date()
            values["served_on"] = (window - timedelta(days=40)).date()
            values["month_ends_on"] = (window - timedelta(days=9)).date()
            values["state_changed_at"] = window - timedelta(days=40)
            values["handed_off_at"] = created + timedelta(days=2)
            if state == "facilities_granted":
                values["suspended_on"] = (window - timedelta(days=20)).date()
        values["state"] = state
        by_state[state] = by_state.get(state, 0) + 1
        return tuple(values[column] for column in CLAIM_COLUMNS)

    copy_sql = pgsql.SQL("COPY claims_claim ({}) FROM STDIN").format(
        pgsql.SQL(", ").join(map(pgsql.Identifier, CLAIM_COLUMNS))
    )
    with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
        due_rank = other_rank = 0
        for index in range(claims):
            if index in due_positions:
                copy.write_row(row(index, due_offsets[due_rank], 0))
                due_rank += 1
            else:
                copy.write_row(row(index, None, other_rank))
                other_rank += 1
    history = raw.execute(HISTORY_SQL).rowcount
    raw.execute("VACUUM (ANALYZE) claims_claim, claims_claimevent")
    return Dataset(claims=claims, due=due, by_state=by_state, history_events=history)


def reset(raw: psycopg.Connection[Any]) -> None:
    """Put the due claims back and delete their events, so that the next run starts alike."""
    raw.execute(RESET_SQL)
    raw.execute("DELETE FROM claims_claimevent WHERE name = 'window_elapsed'")
    raw.execute("VACUUM (ANALYZE) claims_claim, claims_claimevent")
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        raw.execute("CHECKPOINT")  # no background flush of the reset's pages during a run


def state_counts(raw: psycopg.Connection[Any]) -> dict[str, int]:
    rows = raw.execute("SELECT state, count(*) FROM claims_claim GROUP BY state").fetchall()
    return {state: count for state, count in rows}


def verify_swept(raw: psycopg.Connection[Any], data: Dataset, what: str) -> None:
    """Exactly the due claims moved, each with exactly one well-formed window_elapsed event."""
    counts = state_counts(raw)
    if counts != data.after_sweep():
        raise BenchError(f"{what}: claims by state {counts}, expected {data.after_sweep()}")
    events, claims, wrong = raw.execute(
        "SELECT count(*), count(DISTINCT e.claim_id), count(*) FILTER (WHERE"
        " c.state <> 'ready_for_pv' OR e.from_state <> 'summons_served'"
        " OR e.to_state <> 'ready_for_pv' OR e.actor_kind <> 'system'"
        " OR c.window_ends_at > e.created_at)"
        " FROM claims_claimevent e JOIN claims_claim c ON c.id = e.claim_id"
        " WHERE e.name = 'window_elapsed'"
    ).fetchone() or (0, 0, 0)
    if (events, claims, wrong) != (data.due, data.due, 0):
        raise BenchError(
            f"{what}: {events} window_elapsed events on {claims} claims ({wrong} wrong),"
            f" expected {data.due} on {data.due}"
        )


# --- measuring -----------------------------------------------------------------------------------


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def sweep_moving(data: Dataset) -> Callable[[], object]:
    from claims.services import claim_sweep_due

    def run() -> object:
        result = claim_sweep_due()
        if result.moved != data.due or result.flagged:
            raise BenchError(f"the sweep moved {result.moved} and flagged {result.flagged}")
        return result

    return run


def sweep_idle() -> object:
    from claims.services import claim_sweep_due

    result = claim_sweep_due()
    if result.moved or result.flagged:
        raise BenchError(f"the idle sweep moved {result.moved} and flagged {result.flagged}")
    return result


@dataclass
class Figures:
    service_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)
    first_idle_ms: float = 0.0
    idle_ms: list[float] = field(default_factory=list)
    idle_floor_ms: list[float] = field(default_factory=list)
    moving_sql: list[str] = field(default_factory=list)
    moving_units: int = 0
    moving_statements: int = 0
    idle_units: int = 0
    idle_statements: int = 0


def measure(
    raw: psycopg.Connection[Any], floor: psycopg.Connection[Any], data: Dataset, args: Any
) -> Figures:
    from django.db import connection

    figures = Figures()
    moving = sweep_moving(data)

    # Warm-up sweep, which also records the SQL the service issues.
    reset(raw)
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        moving()
    verify_swept(raw, data, "warm-up sweep")
    figures.moving_units, figures.moving_statements = len(recorder.units), recorder.statement_count
    figures.moving_sql = describe(recorder.units)

    for repeat in range(args.repeat):
        order = ("service", "floor") if repeat % 2 == 0 else ("floor", "service")
        for which in order:
            reset(raw)
            if which == "service":
                seconds = timed(moving)
                figures.service_s.append(seconds)
            else:
                seconds = timed(lambda: replay(floor, recorder.units))
                figures.floor_s.append(seconds)
            verify_swept(raw, data, f"{which} run {repeat + 1}")
            print(f"  run {repeat + 1}, {which:<7}: {data.due / seconds:>9,.0f} transitions/s")

    # Idle: right after a due sweep (dead index entries still there), then in steady state.
    reset(raw)
    moving()
    figures.first_idle_ms = timed(sweep_idle) * 1000
    raw.execute("VACUUM (ANALYZE) claims_claim, claims_claimevent")
    idle_recorder = Recorder()
    with connection.execute_wrapper(idle_recorder):
        sweep_idle()
    figures.idle_units, figures.idle_statements = (
        len(idle_recorder.units),
        idle_recorder.statement_count,
    )
    for _ in range(args.idle_runs):
        figures.idle_ms.append(timed(sweep_idle) * 1000)
        figures.idle_floor_ms.append(timed(lambda: replay(floor, idle_recorder.units)) * 1000)
    verify_swept(raw, data, "idle sweeps")
    return figures


# --- reporting -----------------------------------------------------------------------------------


def machine(raw: psycopg.Connection[Any]) -> list[str]:
    import django

    def show(name: str) -> str:
        value = raw.execute(pgsql.SQL("SHOW {}").format(pgsql.Identifier(name))).fetchone()
        return str(value[0]) if value else "?"

    server, libpq = raw.info.server_version, psycopg.pq.version()
    return [
        f"{platform.system()} {platform.release()} {platform.machine()}, nproc {os.cpu_count()},"
        f" CPU {cpu_model()}, {memory_gib()} GiB RAM",
        f"Python {platform.python_version()}, Django {django.get_version()},"
        f" psycopg {psycopg.__version__} (libpq {libpq // 10000}.{libpq % 10000})",
        f"PostgreSQL {server // 10000}.{server % 10000} on {raw.info.host}:{raw.info.port}"
        f" (shared_buffers {show('shared_buffers')}, synchronous_commit"
        f" {show('synchronous_commit')}, fsync {show('fsync')})",
    ]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def memory_gib() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return "?"
    return f"{pages * size / 2**30:.0f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(args: Any, data: Dataset, figures: Figures, machine_lines: list[str]) -> bool:
    service = [data.due / s for s in figures.service_s]
    floor = [data.due / s for s in figures.floor_s]
    service_rate, floor_rate = statistics.median(service), statistics.median(floor)
    ratio = service_rate / floor_rate
    pairs = [s / f for s, f in zip(service, floor, strict=True)]
    idle_ms = statistics.median(figures.idle_ms)
    idle_floor_ms = statistics.median(figures.idle_floor_ms)
    rate_ok, ratio_ok, idle_ok = (
        service_rate >= GOAL_RATE,
        ratio >= GOAL_RATIO,
        idle_ms < GOAL_IDLE_MS,
    )

    print()
    print(f"Deadline sweep benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for text in machine_lines:
        print(f"  {text}")
    states = ", ".join(f"{count:,} {state}" for state, count in sorted(data.by_state.items()))
    print(f"  data: {data.claims:,} open claims ({states}), {data.due:,} of them due;")
    print(f"        {data.history_events:,} earlier events; SWEEP_CHUNK_SIZE {args.chunk_size}")
    print(
        f"  a due sweep issues {figures.moving_statements} statements in {figures.moving_units}"
        " transactions or autocommit statements; a moving chunk is:"
    )
    for text in figures.moving_sql:
        print(f"    {text}")
    print(f"  an idle sweep issues {figures.idle_statements} statements")
    print()

    runs = "".join(f"{'run ' + str(n + 1):>10}" for n in range(args.repeat))
    header = f"{'figure':<46}{runs}{'median':>10}  {'goal':<10}result"
    print(header)
    print("-" * len(header))
    blank = [""] * args.repeat

    def row(label: str, cells: Sequence[float | str], value: float, goal: str = "") -> None:
        def cell(v: float | str) -> str:
            if isinstance(v, str):
                return f"{v:>10}"
            return f"{v:>10,.0f}" if v >= 100 else f"{v:>10.2f}"

        mark = {"≥ 2,000/s": rate_ok, "≥ 0.50": ratio_ok, "< 50 ms": idle_ok}.get(goal)
        result = "" if mark is None else verdict(mark)
        text = f"{label:<46}{''.join(cell(v) for v in cells)}{cell(value)}  {goal:<10}{result}"
        print(text.rstrip())

    row("due sweep, service (transitions+events/s)", service, service_rate, "≥ 2,000/s")
    row("due sweep, psycopg floor, same SQL (/s)", floor, floor_rate)
    row("ratio service / floor", pairs, ratio, "≥ 0.50")
    idle_runs = len(figures.idle_ms)
    row(f"idle sweep, service (ms, median of {idle_runs})", blank, idle_ms, "< 50 ms")
    row("idle sweep, psycopg floor, same SQL (ms)", blank, idle_floor_ms)
    row("ratio service / floor (speed)", blank, idle_floor_ms / idle_ms)
    row(f"idle sweep, service, slowest of {idle_runs} (ms)", blank, max(figures.idle_ms))
    row("idle sweep just after a due sweep (ms, once)", blank, figures.first_idle_ms)
    print("(ratio service / floor: median service rate / median floor rate; per run: pairs)")
    ok = rate_ok and ratio_ok and idle_ok
    print()
    print("All goals met." if ok else "Some goals are NOT met.")
    return ok


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=int, default=100_000, help="open claims (100000)")
    parser.add_argument("--due", type=int, default=10_000, help="of which due (10000)")
    parser.add_argument("--repeat", type=int, default=3, help="service and floor runs (3)")
    parser.add_argument("--idle-runs", type=int, default=21, help="idle sweeps timed (21)")
    parser.add_argument("--seed", type=int, default=1394, help="random seed of the data")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL URL of a database to connect to while creating the bench database",
    )
    args = parser.parse_args(argv)
    if not 0 < args.due <= args.claims:
        parser.error("need 0 < --due <= --claims")
    if args.repeat < 1 or args.idle_runs < 1:
        parser.error("--repeat and --idle-runs must be at least 1")
    return args


def run(args: argparse.Namespace, url: str) -> bool:
    from django.conf import settings
    from django.db import connections

    args.chunk_size = settings.SWEEP_CHUNK_SIZE
    try:
        with (
            psycopg.connect(url, autocommit=True) as raw,
            # The floor connects as Django does: client-side binding, no prepared statements.
            psycopg.connect(url, autocommit=True, prepare_threshold=None) as floor,
        ):
            started = time.perf_counter()
            data = generate(raw, claims=args.claims, due=args.due, seed=args.seed)
            print(f"  generated in {time.perf_counter() - started:.1f} s; measuring")
            figures = measure(raw, floor, data, args)
            return report(args, data, figures, machine(raw))
    finally:
        connections.close_all()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    name = f"ios_bench_{secrets.token_hex(4)}"
    url = database_url(args.server, name)
    print(f"bench database {name}: {args.claims:,} claims, {args.due:,} due")
    create_database(args.server, name)
    try:
        with tempfile.TemporaryDirectory(prefix="ios_bench_") as var_dir:
            setup_django(url, Path(var_dir))
            return 0 if run(args, url) else 1
    finally:
        drop_database(args.server, name)
        print(f"bench database {name} dropped")


if __name__ == "__main__":
    sys.exit(main())
