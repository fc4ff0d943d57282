"""Benchmark of the legal documents (`bailiffs.documents`) on PostgreSQL and Redis.

    .venv/bin/python bench/documents.py [--documents 200] [--repeat 20] [--concurrency 2]

It creates a throwaway database `ios_bench_<random>` on the server given by --server (default
$BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres), migrates it, and drops
it again, also on failure. What Django writes to disk (VAR_DIR, MEDIA_ROOT: the PDFs) goes to a
temporary directory. The Celery broker is an empty Redis database on --redis (the highest
numbered one with no keys, claimed with a marker key), flushed at the end. This is not a test:
pytest collects tests/test_*.py only and .ci/run does not run it.

Data: `claims.demo.seed_demo()` (the KBO sample register, the demo office, creditor companies
and four debtors: Gent nl, Namur fr, Ixelles fr, Eupen de), then claims made through the
services as a creditor makes them: `claim_create_draft` with 2 or 3 invoices, a damages clause
of 5 % with a 50 EUR minimum, the advance paid, walked to summons_served by `walk_to`.

1. Render time of a summons. The first `render_pdf(claim, "summons", "nl")` of the process is
   timed alone ("first render": it cuts the shipped fonts once per process). Then --repeat
   rounds, each rendering the summons of one claim (3 invoices) in nl, fr and de, interleaved
   with two baselines measured in the same rounds:
   - floor: WeasyPrint rendering a minimal one-page HTML (a title and a paragraph) with the
     same font, served the same way (the project's font fetcher, the font as cut by
     `_font_bytes`): the fixed cost of making any PDF with this font;
   - the same minimal page with the shipped static/fonts/DejaVuSans.ttf file as is (WeasyPrint's
     own fetcher), to show what the cut saves.
   Goal: p50 < 300 ms (the issue); p95 reported against the same bound. Each call is timed
   alone with time.perf_counter(); percentiles are nearest-rank. Then one render per language
   is split in its steps (context, template, coverage check, layout, PDF) to show where the
   time goes, with the SQL queries it issues.
2. Throughput through the worker. --documents claims (languages mixed by the debtors).
   Baseline first: the claims rendered in this process, one after the other, by calling the
   task's function (`render_document(claim_id, "summons")`): wall time, each task's time, and
   the time of the cyclic garbage collections meanwhile (gc.callbacks). Its rows and files are
   then deleted (raw SQL: the model refuses it). Then a real `celery -A ios_platform worker
   --concurrency=N --loglevel=WARNING` subprocess with the bench's DATABASE_URL, REDIS_URL,
   VAR_DIR and MEDIA_ROOT (own process group; SIGTERM at the end, SIGKILL of the group if it
   does not stop in 30 s); 2 warm-up tasks per worker process (other claims, not counted), so
   that the processes have loaded Django and cut their fonts; then
   `render_document.delay(claim_id, "summons")` for all claims, and the wall time from the
   first enqueue until the last LegalDocument row exists (polled every 10 ms). Checked after
   each run: one version-1 row per claim, distinct SHA-256, each file on disk with the recorded
   size and hash; after the worker run also an empty queue and no ERROR in the worker's log.
   The ratio is worker rate / in-process rate: with N processes on N free cores the ideal is
   N, minus what PostgreSQL, Redis and this script's polling take from the same cores. It is
   reported, not judged: the issue sets no goal.

The machine is shared: before each timed part the script waits (up to --quiet-wait s) until
other processes use less than 0.3 cores, and it prints the CPU time of its own processes and
of the whole machine (/proc/stat) during each part, marking a part during which other work ran.
WeasyPrint subsets the embedded fonts with HarfBuzz-Subset when libharfbuzz-subset is found,
else with fontTools (much slower); the script prints which one it uses. To measure as the
Docker image runs (it installs libharfbuzz-subset0), put that library on LD_LIBRARY_PATH.

Exit status 1 when a goal or a check fails. Results go in docs/benchmarks.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import contextlib
import ctypes
import gc
import hashlib
import io
import logging
import os
import secrets
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import psycopg
import redis

from bench.sweep import (
    DEFAULT_SERVER,
    BenchError,
    create_database,
    database_url,
    drop_database,
    machine,
    setup_django,
    verdict,
)

if TYPE_CHECKING:
    from claims.demo import Cast
    from claims.models import Claim
    from creditors.models import Account, Company
    from debtors.models import Debtor

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS = "redis://127.0.0.1:6379"
LANGUAGES = ("nl", "fr", "de")
GOAL_MS = 300.0  # p50 render time of a summons (the issue)
MARKER = "ios_bench:documents"  # claims a Redis database for this run
POLL_S = 0.01
OTHERS_LIMIT = 0.3  # cores used by other processes above which a run is marked as disturbed
D = Decimal

MINIMAL_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Bench Sans"; src: url("{font}"); }}
@page {{ size: A4; margin: 2cm; }}
body {{ font-family: "Bench Sans"; font-size: 10pt; }}
</style></head><body>
<h1>Minimal page</h1>
<p>One paragraph of text: 1.234,56 EUR — één, déjà, Straße.</p>
</body></html>
"""


# --- Redis ---------------------------------------------------------------------------------------


@dataclass
class RedisDb:
    url: str
    client: "redis.Redis"


# Databases others use: 0 in docker-compose.yml and .env.example; 15 in .ci/run, whose tests
# clear the Django cache (FLUSHDB) and would wipe this run's queue.
RESERVED_REDIS_DBS = {0, 15}


def claim_redis_db(server: str) -> RedisDb:
    """The highest numbered free Redis database with no keys, claimed with a marker key."""
    probe: redis.Redis = redis.Redis.from_url(server)
    try:
        count = int(str(probe.config_get("databases").get("databases") or 16))
    except redis.ResponseError:  # CONFIG may be disabled
        count = 16
    finally:
        probe.close()
    token = secrets.token_hex(8)
    for number in range(count - 1, 0, -1):
        if number in RESERVED_REDIS_DBS:
            continue
        client: redis.Redis = redis.Redis.from_url(f"{server.rstrip('/')}/{number}")
        if client.dbsize() == 0 and client.set(MARKER, token, nx=True):
            if client.dbsize() == 1:
                return RedisDb(f"{server.rstrip('/')}/{number}", client)
            client.delete(MARKER)
        client.close()
    raise BenchError(f"no empty Redis database on {server}")


def release_redis_db(db: RedisDb) -> None:
    db.client.flushdb()
    db.client.close()
    print(f"Redis database {db.url} flushed")


# --- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    account: "Account"
    cast: "Cast"
    companies: list["Company"]
    debtors: list["Debtor"]


def build_world() -> World:
    from claims.demo import Cast, demo_office, seed_demo
    from creditors.models import User

    account, _created = seed_demo()
    cast = Cast(
        creditor=User.objects.get(email="owner@demo.test"),
        bailiff=User.objects.get(email="bailiff@demo.test"),
        staff=User.objects.get(email="staff@demo.test"),
        office=demo_office(),
    )
    companies = list(account.companies.order_by("pk"))
    debtors = list(account.debtors.order_by("pk"))
    return World(account=account, cast=cast, companies=companies, debtors=debtors)


def served_claim(world: World, index: int, *, invoices: int) -> "Claim":
    """A claim as a creditor makes it, its advance paid, walked to summons_served."""
    from claims.demo import walk_to
    from claims.models import Claim
    from claims.services import InvoiceInput, claim_create_draft
    from claims.states import State
    from fees.models import Payment
    from fees.money import advance
    from fees.selectors import tables_on

    today = datetime.now(UTC).date()
    due = today - timedelta(days=120 + index % 60)
    amounts = [D("1250.00"), D("2480.50"), D("735.20")]
    claim = claim_create_draft(
        account=world.account,
        actor=world.cast.creditor,
        company=world.companies[index % len(world.companies)],
        debtor=world.debtors[index % len(world.debtors)],
        own_reference=f"BENCH-{index:05d}",
        invoices=[
            InvoiceInput(
                f"F-2026-{index:05d}-{n + 1}",
                due - timedelta(days=30 - 10 * n),
                due + timedelta(days=10 * n),
                amounts[n] + D(index % 97),
            )
            for n in range(invoices)
        ],
    )
    Claim.objects.filter(pk=claim.pk).update(
        damages_clause_percent=D("5.00"), damages_clause_minimum=D("50.00")
    )
    claim.refresh_from_db()
    tables = tables_on(today)
    principal = sum((invoice.amount for invoice in claim.invoices.all()), D(0))
    paid = advance(principal, tables.brackets, vat_percent=tables.percent("vat_rate"))
    Payment.objects.create(
        account=claim.account, claim=claim, method="transfer", amount=paid.incl_vat, quote={},
        state="succeeded", idempotency_key=f"bench-advance-{claim.pk}",
    )  # fmt: skip
    return walk_to(claim, State.SUMMONS_SERVED, world.cast)


# --- measuring -----------------------------------------------------------------------------------


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def nearest_rank(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n·p/100), at least 1
    return ordered[int(rank) - 1]


@dataclass
class RenderFigures:
    first_ms: float = 0.0
    font_cut_ms: float = 0.0
    summons_ms: dict[str, list[float]] = field(default_factory=dict)
    floor_ms: list[float] = field(default_factory=list)
    shipped_ms: list[float] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    floor_pages: int = 0
    floor_size: int = 0
    shipped_size: int = 0
    steps_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    own_cores: float = 0.0  # CPU of this process / wall time, during the timed rounds
    machine_cores: float = 0.0  # CPU of the whole machine / wall time, during the timed rounds

    @property
    def all_summons_ms(self) -> list[float]:
        return [ms for values in self.summons_ms.values() for ms in values]


def minimal_pdf(font: str, fetcher: Any) -> bytes:
    from weasyprint import HTML

    from bailiffs.documents import _gc_paused

    html = MINIMAL_HTML.format(font=font)
    with _gc_paused():  # as render_pdf does
        if fetcher is None:
            return bytes(HTML(string=html).write_pdf())
        return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


FONTTOOLS_WARNING = "Using fontTools instead of HarfBuzz-Subset"


class CountFontToolsWarning:
    """Counts WeasyPrint's warning that it subsets with fontTools, and keeps it off the screen
    (it comes twice per document, once per font)."""

    def __init__(self) -> None:
        self.count = 0

    def filter(self, record: Any) -> bool:
        if str(record.msg).startswith(FONTTOOLS_WARNING):
            self.count += 1
            return False
        return True


def subsetter() -> str:
    """Which library WeasyPrint subsets the embedded fonts with on this machine."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    try:
        library = ctypes.CDLL("libharfbuzz.so.0")
        library.hb_version_string.restype = ctypes.c_char_p
        version = library.hb_version_string().decode()
    except (OSError, AttributeError):
        version = "?"
    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return f"HarfBuzz-Subset {version} (as in the Dockerfile's libharfbuzz-subset0)"
    return (
        f"fontTools: no libharfbuzz-subset on this machine (HarfBuzz {version}); the Dockerfile"
        " installs libharfbuzz-subset0"
    )


def measure_render(claim: "Claim", repeat: int) -> RenderFigures:
    from pypdf import PdfReader

    from bailiffs.documents import _font_bytes, _url_fetcher, font_uri, render_pdf

    figures = RenderFigures(summons_ms={language: [] for language in LANGUAGES})
    # The first render of the process: nothing before it has touched the fonts.
    figures.first_ms = timed(lambda: render_pdf(claim, "summons", "nl")) * 1000
    # The font cut alone (the cached function's body, run again without its cache).
    figures.font_cut_ms = timed(_font_bytes.__wrapped__) * 1000

    regular = font_uri("regular")
    for language in LANGUAGES:  # warm each language once, and check the output
        pdf = render_pdf(claim, "summons", language)
        figures.pages[language] = len(PdfReader(io.BytesIO(pdf)).pages)
        figures.sizes[language] = len(pdf)
    floor = minimal_pdf(regular, _url_fetcher())
    shipped = minimal_pdf(regular, None)
    figures.floor_pages = len(PdfReader(io.BytesIO(floor)).pages)
    figures.floor_size, figures.shipped_size = len(floor), len(shipped)

    started, cpu, busy = time.perf_counter(), time.process_time(), machine_busy_seconds()
    for round_ in range(repeat):
        # Rotate the order, so that no figure always runs right after the same other one.
        steps: list[Callable[[], None]] = []
        for language in LANGUAGES:

            def summons(language: str = language) -> None:
                ms = timed(lambda: render_pdf(claim, "summons", language)) * 1000
                figures.summons_ms[language].append(ms)

            steps.append(summons)
        steps.append(
            lambda: figures.floor_ms.append(
                timed(lambda: minimal_pdf(regular, _url_fetcher())) * 1000
            )
        )
        steps.append(
            lambda: figures.shipped_ms.append(timed(lambda: minimal_pdf(regular, None)) * 1000)
        )
        shift = round_ % len(steps)
        for step in steps[shift:] + steps[:shift]:
            step()
    wall = time.perf_counter() - started
    figures.own_cores = (time.process_time() - cpu) / wall
    figures.machine_cores = (machine_busy_seconds() - busy) / wall
    for language in LANGUAGES:
        figures.steps_ms[language], figures.queries[language] = render_steps(claim, language)
    return figures


def render_steps(claim: "Claim", language: str, runs: int = 5) -> tuple[dict[str, float], int]:
    """render_pdf's steps, each timed (median of `runs`), and the queries of one render."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from bailiffs.documents import (
        _check_coverage,
        _gc_paused,
        _url_fetcher,
        document_context,
        render_pdf,
    )

    with CaptureQueriesContext(connection) as captured:
        render_pdf(claim, "summons", language)
    times: dict[str, list[float]] = {}

    def add(name: str, started: float) -> float:
        now = time.perf_counter()
        times.setdefault(name, []).append((now - started) * 1000)
        return now

    for _ in range(runs):
        started = time.perf_counter()
        context = document_context(claim, "summons", language)
        context.update(footer={"version": None, "replaces": ""})
        started = add("document_context (data, amounts)", started)
        html = render_to_string("documents/summons.html", context)
        started = add("template (render_to_string)", started)
        _check_coverage(html)
        started = add("font coverage check", started)
        with _gc_paused():
            document = HTML(string=html, url_fetcher=_url_fetcher()).render()
            started = add("WeasyPrint layout (render)", started)
            document.write_pdf()
            add("WeasyPrint PDF (write_pdf)", started)
    return {name: statistics.median(values) for name, values in times.items()}, len(
        captured.captured_queries
    )


# --- the worker ----------------------------------------------------------------------------------


@dataclass
class WorkerFigures:
    documents: int = 0
    concurrency: int = 0
    boot_and_warm_s: float = 0.0
    warm_up_tasks: int = 0
    enqueue_s: float = 0.0
    worker_s: float = 0.0
    inprocess_s: float = 0.0
    checks: list[tuple[str, bool]] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    log_errors: list[str] = field(default_factory=list)
    worker_cpu_s: dict[int, float] = field(default_factory=dict)  # per process of the worker
    inprocess_cpu_s: float = 0.0
    task_ms: list[float] = field(default_factory=list)  # each task of the in-process run
    gc_ms: float = 0.0  # cyclic garbage collection during the in-process run
    gc_runs: int = 0
    worker_busy_s: float = 0.0  # all processes of the machine, during the worker run
    inprocess_busy_s: float = 0.0  # all processes of the machine, during the in-process run
    log_fonttools: int = 0
    log_lines: int = 0
    log_other: list[str] = field(default_factory=list)


class Worker:
    """A `celery worker` subprocess in its own process group, stopped cleanly or killed."""

    def __init__(self, env: dict[str, str], concurrency: int, log: Path) -> None:
        self.log = log
        self.command = [
            str(ROOT / ".venv" / "bin" / "celery"), "-A", "ios_platform", "worker",
            f"--concurrency={concurrency}", "--loglevel=WARNING",
            "-n", f"bench-{secrets.token_hex(4)}@%h",
        ]  # fmt: skip
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> dict[int, float]:
        """User + system CPU time of each process of the worker's group, from /proc."""
        if self.process is None:
            return {}
        tick = os.sysconf("SC_CLK_TCK")
        seconds = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            # after the command: state, ppid, pgrp, …; utime and stime are fields 14 and 15
            if int(fields[2]) == self.process.pid:
                seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        return seconds

    def stop(self) -> str:
        """SIGTERM (warm shutdown), then SIGKILL of its process group after 30 s."""
        if self.process is None:
            return "not started"
        pgid = self.process.pid  # start_new_session: the group of the worker and its children
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                self.process.wait(timeout=10)
                return "killed after 30 s"
        for _ in range(50):  # the pool's children leave with their parent
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return f"stopped (exit status {self.process.returncode})"
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        return f"stopped (exit status {self.process.returncode}), stray children killed"

    def tail(self, lines: int = 30) -> str:
        try:
            log = self.log.read_text(errors="replace").splitlines()
            return "\n".join([line for line in log if FONTTOOLS_WARNING not in line][-lines:])
        except OSError:
            return ""


class GcTimer:
    """Counts and times the cyclic garbage collections while it is entered."""

    def __init__(self) -> None:
        self.runs, self.total_ms, self._started = 0, 0.0, 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.runs += 1
            self.total_ms += (time.perf_counter() - self._started) * 1000

    def __enter__(self) -> "GcTimer":
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have spent busy (all cores), from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan")
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle and iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(limit_s: float, what: str) -> None:
    """Wait (at most `limit_s`) until the other processes use less than OTHERS_LIMIT cores over
    3 s: the machine is shared, and a test suite running meanwhile would halve the figures."""
    waited = 0.0
    while True:
        busy = machine_busy_seconds()
        time.sleep(3.0)
        cores = (machine_busy_seconds() - busy) / 3.0
        if cores < OTHERS_LIMIT or waited >= limit_s:
            break
        waited += 3.0
    if waited:
        state = "quiet" if cores < OTHERS_LIMIT else f"still busy ({cores:.2f} cores)"
        print(f"  {what}: waited {waited:.0f} s for the machine, {state}")


def wait_for_rows(
    poll: psycopg.Connection[Any], claim_ids: list[int], worker: Worker, timeout: float
) -> float:
    """Poll until each claim has its summons row; returns the time it was seen."""
    deadline = time.perf_counter() + timeout
    while True:
        row = poll.execute(
            "SELECT count(*) FROM bailiffs_legaldocument WHERE kind = 'summons'"
            " AND claim_id = ANY(%s)",
            (claim_ids,),
        ).fetchone()
        now = time.perf_counter()
        if row and row[0] >= len(claim_ids):
            return now
        if not worker.alive():
            raise BenchError(f"the worker exited early:\n{worker.tail()}")
        if now > deadline:
            done = row[0] if row else 0
            raise BenchError(
                f"{done}/{len(claim_ids)} documents after {timeout:.0f} s:\n{worker.tail()}"
            )
        time.sleep(POLL_S)


def verify_documents(
    poll: psycopg.Connection[Any], claim_ids: list[int], media: Path, what: str
) -> list[tuple[str, bool]]:
    rows = poll.execute(
        "SELECT claim_id, version, file, size, sha256, language FROM bailiffs_legaldocument"
        " WHERE kind = 'summons' AND claim_id = ANY(%s)",
        (claim_ids,),
    ).fetchall()
    one_each = len(rows) == len(claim_ids) and {r[0] for r in rows} == set(claim_ids)
    first = all(r[1] == 1 for r in rows)
    distinct = len({r[4] for r in rows}) == len(claim_ids)
    on_disk = 0
    for _claim, _version, name, size, sha256, _language in rows:
        path = media / name
        if path.is_file():
            content = path.read_bytes()
            if len(content) == size and hashlib.sha256(content).hexdigest() == sha256:
                on_disk += 1
    return [
        (f"{what}: one summons row per claim, version 1 ({len(rows)} rows)", one_each and first),
        (f"{what}: {len({r[4] for r in rows})} distinct SHA-256", distinct),
        (f"{what}: {on_disk} files on disk with the recorded size and SHA-256",
         on_disk == len(claim_ids)),
    ]  # fmt: skip


def forget_documents(poll: psycopg.Connection[Any], claim_ids: list[int], media: Path) -> None:
    """Delete the summons rows and files of these claims (raw SQL: the model refuses it)."""
    names = poll.execute(
        "DELETE FROM bailiffs_legaldocument WHERE kind = 'summons' AND claim_id = ANY(%s)"
        " RETURNING file",
        (claim_ids,),
    ).fetchall()
    for (name,) in names:
        (media / name).unlink(missing_ok=True)
    poll.execute("VACUUM (ANALYZE) bailiffs_legaldocument")


def measure_worker(
    args: argparse.Namespace,
    url: str,
    redis_db: RedisDb,
    var_dir: Path,
    claim_ids: list[int],
    warm_ids: list[int],
) -> WorkerFigures:
    from bailiffs.documents import render_document
    from ios_platform.celery import app

    figures = WorkerFigures(documents=len(claim_ids), concurrency=args.concurrency)
    media = var_dir / "media"
    app.conf.task_always_eager = False
    with psycopg.connect(url, autocommit=True) as poll:
        # Baseline: the same claims in this process, one after the other, as the task runs.
        wait_until_quiet(args.quiet_wait, "in-process run")
        started, cpu, busy = time.perf_counter(), time.process_time(), machine_busy_seconds()
        with GcTimer() as gc_timer:
            for claim_id in claim_ids:
                task_started = time.perf_counter()
                render_document(claim_id, "summons")
                figures.task_ms.append((time.perf_counter() - task_started) * 1000)
        figures.inprocess_s = time.perf_counter() - started
        figures.gc_ms, figures.gc_runs = gc_timer.total_ms, gc_timer.runs
        figures.inprocess_cpu_s = time.process_time() - cpu
        figures.inprocess_busy_s = machine_busy_seconds() - busy
        figures.checks += verify_documents(poll, claim_ids, media, "in process")
        figures.languages = dict(
            poll.execute(
                "SELECT language, count(*) FROM bailiffs_legaldocument WHERE kind = 'summons'"
                " AND claim_id = ANY(%s) GROUP BY language ORDER BY language",
                (claim_ids,),
            ).fetchall()
        )
        forget_documents(poll, claim_ids, media)
        print(f"  in process: {len(claim_ids)} documents in {figures.inprocess_s:.1f} s")

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ios_platform.settings",
            "DATABASE_URL": url,
            "REDIS_URL": redis_db.url,
            "VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(media),
            "DEBUG": "0",
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        worker = Worker(env, args.concurrency, var_dir / "worker.log")
        try:
            started = time.perf_counter()
            worker.start()
            for claim_id in warm_ids:
                render_document.delay(claim_id, "summons")
            wait_for_rows(poll, warm_ids, worker, timeout=180)
            figures.boot_and_warm_s = time.perf_counter() - started
            figures.warm_up_tasks = len(warm_ids)
            print(
                f"  worker started and warmed ({len(warm_ids)} tasks)"
                f" in {figures.boot_and_warm_s:.1f} s"
            )

            wait_until_quiet(args.quiet_wait, "worker run")
            cpu_before, busy = worker.cpu_seconds(), machine_busy_seconds()
            started = time.perf_counter()
            for claim_id in claim_ids:
                render_document.delay(claim_id, "summons")
            figures.enqueue_s = time.perf_counter() - started
            done = wait_for_rows(poll, claim_ids, worker, timeout=max(120.0, 3.0 * len(claim_ids)))
            figures.worker_s = done - started
            cpu_after = worker.cpu_seconds()
            figures.worker_busy_s = machine_busy_seconds() - busy
            figures.worker_cpu_s = {
                pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in sorted(cpu_after)
            }
            print(f"  worker: {len(claim_ids)} documents in {figures.worker_s:.1f} s")
        finally:
            print(f"  worker {worker.stop()}")
        figures.checks += verify_documents(poll, claim_ids, media, "worker")
        marked = redis_db.client.exists(MARKER) == 1
        figures.checks.append(("worker: the Redis database was not flushed meanwhile", marked))
        left = redis_db.client.llen("celery")
        figures.checks.append((f"worker: {left} messages left in the queue", left == 0))
        log = worker.log.read_text(errors="replace").splitlines()
        figures.log_errors = [line for line in log if "ERROR" in line or "Traceback" in line]
        figures.log_fonttools = sum(FONTTOOLS_WARNING in line for line in log)
        figures.log_lines = len(log)
        figures.log_other = list(
            dict.fromkeys(line for line in log if line.strip() and FONTTOOLS_WARNING not in line)
        )
        figures.checks.append(
            (f"worker: {len(figures.log_errors)} ERROR lines in its log", not figures.log_errors)
        )
    return figures


# --- reporting -----------------------------------------------------------------------------------


def busy(render: RenderFigures) -> bool:
    return render.machine_cores - render.own_cores > OTHERS_LIMIT


def report(
    args: argparse.Namespace,
    render: RenderFigures,
    worker: WorkerFigures,
    machine_lines: list[str],
    setup: str,
) -> bool:
    every = render.all_summons_ms
    p50, p95 = nearest_rank(every, 50), nearest_rank(every, 95)
    floor50, shipped50 = nearest_rank(render.floor_ms, 50), nearest_rank(render.shipped_ms, 50)
    render_ok = p50 < GOAL_MS

    print()
    print(f"Legal documents benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for text in machine_lines:
        print(f"  {text}")
    print(f"  load average (1, 5, 15 min): {args.start_load} at the start, {load_average()} now")
    print(f"  {setup}")
    pages = ", ".join(
        f"{lang} {render.pages[lang]} pages {render.sizes[lang] / 1024:.0f} KiB"
        for lang in LANGUAGES
    )
    print(f"  summons of a claim with 3 invoices: {pages}")
    print(
        f"  minimal page: {render.floor_pages} page, {render.floor_size / 1024:.0f} KiB with the"
        f" cut font, {render.shipped_size / 1024:.0f} KiB with the shipped file as is"
    )
    print()

    n = args.repeat
    header = f"{'render time (ms)':<52}{'p50':>9}{'p95':>9}{'max':>9}{'n':>5}  {'goal':<9}result"
    print(header)
    print("-" * len(header))

    def row(label: str, values: Sequence[float], goal: str = "", ok: bool | None = None) -> None:
        text = (
            f"{label:<52}{nearest_rank(values, 50):>9.1f}{nearest_rank(values, 95):>9.1f}"
            f"{max(values):>9.1f}{len(values):>5}  {goal:<9}{'' if ok is None else verdict(ok)}"
        )
        print(text.rstrip())

    for language in LANGUAGES:
        row(f"render_pdf(claim, 'summons', '{language}')", render.summons_ms[language])
    row("summons, all three languages", every, "< 300 ms", render_ok)
    row("floor: minimal page, same fetcher and cut font", render.floor_ms)
    row("minimal page, shipped DejaVuSans.ttf as is", render.shipped_ms)
    print(f"p95 of the summons {'<' if p95 < GOAL_MS else '≥'} 300 ms: {p95:.1f} ms")
    print(f"ratio summons / floor (p50): {p50 / floor50:.1f}×")
    print(f"ratio summons / minimal page with the uncut font (p50): {p50 / shipped50:.2f}×")
    print(
        f"first render of the process: {render.first_ms:,.0f} ms, of which cutting the fonts"
        f" (`_font_bytes`, timed again alone) {render.font_cut_ms:,.0f} ms"
    )
    print(f"(each round renders nl, fr, de and both minimal pages, rotated; {n} rounds)")
    print(
        f"during the rounds: this process {render.own_cores:.2f} cores, the whole machine"
        f" {render.machine_cores:.2f} of {os.cpu_count()}"
        + (" (OTHER WORK WAS RUNNING: the times are pessimistic)" if busy(render) else "")
    )
    print()
    print("where a summons render spends its time (each step, median of 5):")
    for language in LANGUAGES:
        steps = render.steps_ms[language]
        total = sum(steps.values())
        parts = ", ".join(f"{name} {ms:.1f}" for name, ms in steps.items())
        print(f"  {language}: {total:.1f} ms = {parts}; {render.queries[language]} SQL queries")

    print()
    docs = worker.documents
    worker_rate, inproc_rate = docs / worker.worker_s, docs / worker.inprocess_s
    ratio = worker_rate / inproc_rate
    languages = ", ".join(f"{count} {lang}" for lang, count in worker.languages.items())
    print(f"throughput: {docs} summonses ({languages}), worker --concurrency={worker.concurrency}")
    header = f"{'figure':<52}{'seconds':>9}{'docs/s':>9}{'ms/doc':>9}"
    print(header)
    print("-" * len(header))
    for label, seconds in (
        ("through the worker (enqueue → last row)", worker.worker_s),
        ("in process, sequential (baseline)", worker.inprocess_s),
    ):
        print(f"{label:<52}{seconds:>9.2f}{docs / seconds:>9.2f}{seconds / docs * 1000:>9.1f}")
    print(f"ratio worker / in process: {ratio:.2f}× ({ratio / worker.concurrency:.0%} of the ideal"
          f" {worker.concurrency}×)")  # fmt: skip
    tasks = worker.task_ms
    print(
        f"in process, each task (render_document): p50 {nearest_rank(tasks, 50):.1f},"
        f" mean {statistics.mean(tasks):.1f}, p95 {nearest_rank(tasks, 95):.1f},"
        f" max {max(tasks):.1f} ms; cyclic GC {worker.gc_runs} runs,"
        f" {worker.gc_ms / docs:.1f} ms per task"
    )
    print(f"enqueueing the {docs} tasks took {worker.enqueue_s * 1000:.0f} ms")
    cpu = ", ".join(f"{seconds:.1f}" for seconds in worker.worker_cpu_s.values())
    total_cpu = sum(worker.worker_cpu_s.values())
    cores = os.cpu_count() or 1
    worker_cores, machine_cores = (
        total_cpu / worker.worker_s,
        worker.worker_busy_s / worker.worker_s,
    )
    print(
        f"worker run: its processes used {cpu} s CPU (parent, then the pool), {total_cpu:.1f} s"
        f" = {worker_cores:.2f} cores on average; the whole machine {machine_cores:.2f} of"
        f" {cores} cores (the rest: PostgreSQL, Redis, this script's polling, anything else)"
        + (" (OTHER WORK WAS RUNNING)" if machine_cores - worker_cores > 2 * OTHERS_LIMIT else "")
    )
    own = worker.inprocess_cpu_s / worker.inprocess_s
    machine_cores = worker.inprocess_busy_s / worker.inprocess_s
    print(
        f"in-process run: this process used {worker.inprocess_cpu_s:.1f} s CPU"
        f" = {own:.2f} cores; the whole machine {machine_cores:.2f} of {cores} cores"
        + (" (OTHER WORK WAS RUNNING)" if machine_cores - own > OTHERS_LIMIT else "")
    )
    print(
        f"worker start and warm-up ({worker.warm_up_tasks} tasks, not counted):"
        f" {worker.boot_and_warm_s:.1f} s"
    )
    for label, ok in worker.checks:
        print(f"{label}: {verdict(ok)}")
    print(
        f"worker log: {worker.log_lines} lines, {worker.log_fonttools} of them WeasyPrint's"
        f" warning that it subsets with fontTools ({FONTTOOLS_WARNING!r})"
    )
    for line in worker.log_other[:8]:
        print(f"  LOG {line[:150]}")
    checks_ok = all(ok for _label, ok in worker.checks)
    ok = render_ok and checks_ok
    print()
    print("All goals met." if ok else "Some goals are NOT met.")
    return ok


# --- main ----------------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=200, help="documents via the worker")
    parser.add_argument("--repeat", type=int, default=20, help="renders per language (20)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (2)")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL URL of a database to connect to while creating the bench database",
    )
    parser.add_argument("--redis", default=DEFAULT_REDIS, help=f"Redis server ({DEFAULT_REDIS})")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300.0,
        help="before each timed part, wait up to this many seconds for other work to stop (300)",
    )
    args = parser.parse_args(argv)
    if args.documents < 1 or args.repeat < 1 or args.concurrency < 1:
        parser.error("need --documents, --repeat and --concurrency >= 1")
    return args


@contextlib.contextmanager
def bench_database(server: str) -> Iterator[str]:
    name = f"ios_bench_{secrets.token_hex(4)}"
    url = database_url(server, name)
    create_database(server, name)
    print(f"bench database {name}")
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(server, name)
        print(f"bench database {name} dropped")


def run(args: argparse.Namespace, url: str, redis_db: RedisDb, var_dir: Path) -> bool:
    from django.db import connections

    from ios_platform.celery import app

    app.conf.task_always_eager = False
    quiet = CountFontToolsWarning()
    logging.getLogger("weasyprint").addFilter(quiet)
    started = time.perf_counter()
    world = build_world()
    render_claim = served_claim(world, 0, invoices=3)
    claims = [served_claim(world, n, invoices=2 + n % 2) for n in range(1, args.documents + 1)]
    warm = [
        served_claim(world, n, invoices=2)
        for n in range(args.documents + 1, args.documents + 1 + 2 * args.concurrency)
    ]
    setup = (
        f"data: seed_demo() and {1 + len(claims) + len(warm)} claims in summons_served, made"
        f" through the services in {time.perf_counter() - started:.1f} s"
    )
    print(f"  {setup}")
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("VACUUM (ANALYZE)")
        machine_lines = machine(raw)
    info = redis_db.client.info("server")
    machine_lines.append(f"Redis {info.get('redis_version', '?')} on {args.redis}")
    machine_lines.append(f"PDF font subsetting: {subsetter()}")
    connections.close_all()
    try:
        wait_until_quiet(args.quiet_wait, "render time")
        render = measure_render(render_claim, args.repeat)
        print(f"  render: p50 {nearest_rank(render.all_summons_ms, 50):.1f} ms")
        worker = measure_worker(
            args, url, redis_db, var_dir, [c.pk for c in claims], [c.pk for c in warm]
        )
        return report(args, render, worker, machine_lines, setup)
    finally:
        connections.close_all()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM ends the run like Ctrl-C: through the finally blocks that stop the worker and
    # drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.start_load = load_average()
    redis_db = claim_redis_db(args.redis)
    print(f"Redis database {redis_db.url}")
    try:
        with (
            tempfile.TemporaryDirectory(prefix="ios_bench_") as tmp,
            bench_database(args.server) as url,
        ):
            var_dir = Path(tmp)
            os.environ["REDIS_URL"] = redis_db.url  # read by the settings, as DATABASE_URL is
            os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
            setup_django(url, var_dir)
            return 0 if run(args, url, redis_db, var_dir) else 1
    finally:
        release_redis_db(redis_db)


if __name__ == "__main__":
    sys.exit(main())
