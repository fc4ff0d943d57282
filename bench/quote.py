"""Benchmark of the quote calculator (`fees.money.compute_quote`), in process.

    .venv/bin/python bench/quote.py [--quotes 10000] [--repeat 5] [--requests 1000] [--sqlite]

The tables come from the database, as in production: the script creates a throwaway database
`ios_bench_<random>` on the server given by --server (default $BENCH_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/postgres), or with --sqlite a throwaway SQLite file,
migrates it (so the rows are the ones migration fees/0002_seed_tariffs seeds), loads them once
with `fees.selectors.tables_on(--on)`, and drops the database again, also on failure. What
Django writes to disk (VAR_DIR, MEDIA_ROOT) goes to a temporary directory. This is not a test:
pytest collects tests/test_*.py only and .ci/run does not run it.

Inputs: --quotes deterministic pseudo-random quotes (--seed). Principal 10.00–100,000.00 in
cents, log-uniform so that every advance bracket gets its share; due date uniform over the ten
years up to --on (never before 2016-01-01, where the rate table starts); `on` = --on for all;
damages clause 0 % on a quarter, else 0.00–15.00 %, a third of those with a minimum of
25–250 EUR; 1–5 invoices; partner discount on a fifth.

Every figure is printed against a floor measured in the same run:

1. Service: `compute_quote(QuoteInput(...), tables)` over all inputs (the QuoteInput objects
   built beforehand), timed as a whole, --repeat times. Quotes/s = quotes / time.
2. Floor, "the bare arithmetic on the same inputs": one hand-written function on plain tuples,
   no dataclasses, no validation. Bracket by linear scan; interest as Σ(rate × days) over the
   rate periods, times the principal / 36,500, rounded once half up; damages clause with its
   minimum; IOS cap; flat compensation; VAT. The rate table is sorted and checked to be
   contiguous once, untimed. The ratio is service rate / floor rate.

Service and floor runs alternate (S F, F S, ...), each result dropped at once as a request
drops its quote; the table gives best and median. Goal: median ≥ 5,000 quotes/s (the issue).
The ratio to the floor is reported, not judged: the issue sets no goal for it.

Before any timing, both are run once on every input and must agree exactly (figures compared
as strings, so a different number of decimals is a difference too): advance excl./VAT/incl. and
its bracket, interest, its rate ids and provisional flag, damages clause, cap, claimable, cap
applied, flat compensation, total. The same check also runs, untimed, on a second input set
whose `on` is the last day of the rate table, so that the non-provisional path is checked too.
After the runs, each step of compute_quote (advance, interest, damages_clause, ios_cap) is
timed alone on the same inputs (best of 3), to show where the time goes.

3. Informational: GET /api/v1/calculator/quote through Django's test Client for --requests of
   the inputs, each response checked against the in-process quote; and `tables_on(on)` alone,
   which every request runs.

Results go in docs/benchmarks.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import itertools
import math
import os
import platform
import random
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import psycopg

from bench.sweep import (
    DEFAULT_SERVER,
    BenchError,
    cpu_model,
    create_database,
    database_url,
    drop_database,
    machine,
    memory_gib,
    setup_django,
    verdict,
)

if TYPE_CHECKING:
    from fees.money import Quote, QuoteInput, Tables

GOAL_RATE = 5000.0  # quotes per second, in process (the issue)

ON = date(2026, 11, 20)
TABLES_START = date(2016, 1, 1)
CENT = Decimal("0.01")
ONE_DAY = timedelta(days=1)
ZERO = Decimal(0)
INTEREST_ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
YEAR_PERCENT = Decimal(36500)  # 365 days × 100 %

# (principal, due date, on, damages %, damages minimum, invoices, partner discount)
Raw = tuple[Decimal, date, date, Decimal, Decimal | None, int, bool]
# advance excl., VAT, incl., bracket id, interest, rate ids, provisional, damages, cap,
# claimable, cap applied, flat compensation, total
Figures = tuple[Any, ...]


# --- inputs ------------------------------------------------------------------------------------


def generate(count: int, on: date, seed: int) -> list[Raw]:
    rng = random.Random(seed)
    first = max(TABLES_START, on.replace(year=on.year - 10))
    span = (on - first).days
    low, high = math.log(1000), math.log(10_000_000)
    inputs: list[Raw] = []
    for _ in range(count):
        cents = min(10_000_000, max(1000, round(math.exp(rng.uniform(low, high)))))
        principal = Decimal(f"{cents // 100}.{cents % 100:02d}")
        due = first + timedelta(days=rng.randint(0, span))
        percent, minimum = Decimal("0.00"), None
        if rng.random() >= 0.25:
            hundredths = rng.randint(0, 1500)
            percent = Decimal(f"{hundredths // 100}.{hundredths % 100:02d}")
            if rng.random() < 1 / 3:
                minimum = Decimal(f"{rng.randint(25, 250)}.00")
        inputs.append((principal, due, on, percent, minimum, rng.randint(1, 5), rng.random() < 0.2))
    return inputs


def quote_inputs(inputs: Sequence[Raw]) -> list["QuoteInput"]:
    from fees.money import QuoteInput

    return [
        QuoteInput(principal=p, due_date=due, on=on, damages_percent=pct, damages_minimum=minimum,
                   invoices=n, partner_discount=partner)
        for p, due, on, pct, minimum, n, partner in inputs
    ]  # fmt: skip


# --- the floor: the bare arithmetic ------------------------------------------------------------


@dataclass(frozen=True)
class Bare:
    """The tables as plain tuples and Decimals, prepared once."""

    brackets: tuple[tuple[Decimal, Decimal | None, Decimal, int], ...]  # min, max, advance, id
    rates: tuple[tuple[date, date, Decimal, int], ...]  # from, to, percent, id; contiguous
    last_percent: Decimal
    last_id: int
    vat: Decimal
    discount: Decimal
    cap: Decimal
    flat: Decimal


def bare_tables(tables: "Tables") -> Bare:
    rates = sorted(tables.commercial_rates, key=lambda r: r.valid_from)
    for before, after in itertools.pairwise(rates):
        if before.valid_to is None or before.valid_to + ONE_DAY != after.valid_from:
            raise BenchError(f"the floor needs contiguous rates: {before} then {after}")
    if not rates or rates[-1].valid_to is None or rates[0].valid_from > TABLES_START:
        raise BenchError("the floor needs closed rate periods from 2016-01-01")
    flat = tables.amount("flat_compensation")
    if flat != flat.quantize(CENT) or any(
        b.advance_excl_vat.as_tuple().exponent != -2 for b in tables.brackets
    ):
        raise BenchError("the floor needs amounts with two decimals")
    return Bare(
        brackets=tuple(
            (b.min_value, b.max_value, b.advance_excl_vat, b.id) for b in tables.brackets
        ),
        rates=tuple((r.valid_from, r.valid_to, r.percent, r.id) for r in rates if r.valid_to),
        last_percent=rates[-1].percent,
        last_id=rates[-1].id,
        vat=tables.percent("vat_rate"),
        discount=tables.percent("partner_discount"),
        cap=tables.percent("ios_cap"),
        flat=flat,
    )


def bare_quote(
    principal: Decimal, due: date, on: date, damages_percent: Decimal,
    damages_minimum: Decimal | None, invoices: int, partner: bool, t: Bare,
) -> Figures:  # fmt: skip
    for low, high, advance, bracket_id in t.brackets:  # noqa: B007 (used after the break)
        if low <= principal and (high is None or principal <= high):
            break
    else:
        raise BenchError(f"no bracket for {principal}")
    if partner:
        advance = (advance * (HUNDRED - t.discount) / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    vat = (advance * t.vat / HUNDRED).quantize(CENT, ROUND_HALF_UP)

    ids: list[int] = []
    provisional = False
    if on <= due:
        interest = INTEREST_ZERO
    else:
        day, percent_days = due + ONE_DAY, ZERO
        for _first, last, percent, rate_id in t.rates:
            if last < day:
                continue
            if last > on:
                last = on
            percent_days += percent * ((last - day).days + 1)
            ids.append(rate_id)
            day = last + ONE_DAY
            if day > on:
                break
        else:  # past the end of the table: the last known rate, provisional
            percent_days += t.last_percent * ((on - day).days + 1)
            provisional = True
            if not ids or ids[-1] != t.last_id:
                ids.append(t.last_id)
        interest = (principal * percent_days / YEAR_PERCENT).quantize(CENT, ROUND_HALF_UP)

    damages = (principal * damages_percent / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    if damages_minimum is not None and damages_percent > 0:
        minimum = damages_minimum.quantize(CENT, ROUND_HALF_UP)
        if minimum > damages:
            damages = minimum
    cap = (principal * t.cap / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    wanted = interest + damages
    claimable = wanted if wanted <= cap else cap
    flat = t.flat * invoices
    return (
        advance, vat, advance + vat, bracket_id, interest, ids, provisional, damages, cap,
        claimable, wanted > cap, flat, principal + claimable + flat,
    )  # fmt: skip


def service_figures(quote: "Quote") -> Figures:
    a, i, c = quote.advance, quote.interest, quote.capped
    return (
        a.excl_vat, a.vat, a.incl_vat, a.bracket_id, i.amount, list(i.rate_ids), i.provisional,
        quote.damages_clause, c.cap, c.claimable, c.cap_applied, quote.flat_compensation,
        quote.total_claim,
    )  # fmt: skip


FIELDS = (
    "advance_excl_vat", "advance_vat", "advance_incl_vat", "bracket_id", "interest", "rate_ids",
    "provisional", "damages_clause", "ios_cap", "claimable", "cap_applied", "flat_compensation",
    "total_claim",
)  # fmt: skip


def exact(figures: Figures) -> tuple[str, ...]:
    return tuple(str(value) for value in figures)


def cross_check(inputs: Sequence[Raw], tables: "Tables", what: str) -> list[str]:
    """Service and floor on every input; a description of each input where they differ."""
    from fees.money import compute_quote

    bare = bare_tables(tables)
    mismatches = []
    for raw, request in zip(inputs, quote_inputs(inputs), strict=True):
        service = exact(service_figures(compute_quote(request, tables)))
        floor = exact(bare_quote(*raw, bare))
        if service != floor:
            diff = ", ".join(
                f"{name} {s} (floor {f})"
                for name, s, f in zip(FIELDS, service, floor, strict=True)
                if s != f
            )
            p, due, on, pct, minimum, n, partner = raw
            mismatches.append(
                f"{what}: principal={p} due_date={due} on={on} damages_percent={pct}"
                f" damages_minimum={minimum} invoices={n} partner_discount={partner}: {diff}"
            )
    return mismatches


# --- measuring ---------------------------------------------------------------------------------


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


@dataclass
class Measured:
    service_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # the input sets cross-checked
    provisional: int = 0
    capped: int = 0
    http_s: float = 0.0
    http_requests: int = 0
    http_bad: list[str] = field(default_factory=list)
    tables_ms: list[float] = field(default_factory=list)
    tables_queries: int = 0
    parts_s: dict[str, float] = field(default_factory=dict)


def measure(args: argparse.Namespace, inputs: list[Raw]) -> Measured:
    from fees.money import compute_quote
    from fees.selectors import tables_on

    measured = Measured()
    tables = tables_on(args.on)
    bare = bare_tables(tables)
    requests = quote_inputs(inputs)

    measured.mismatches = cross_check(inputs, tables, f"on {args.on}")
    measured.checked.append(f"{len(inputs):,} on {args.on}")
    last_day = bare.rates[-1][1]
    if last_day < args.on:
        other: list[Raw] = [
            (p, due, last_day, pct, minimum, n, partner)
            for p, due, _on, pct, minimum, n, partner in inputs
            if due <= last_day
        ]
        measured.mismatches += cross_check(other, tables_on(last_day), f"on {last_day}")
        measured.checked.append(f"{len(other):,} on {last_day}")
    quotes = [compute_quote(r, tables) for r in requests]
    measured.provisional = sum(q.interest.provisional for q in quotes)
    measured.capped = sum(q.capped.cap_applied for q in quotes)

    # Each result is dropped at once, as a request drops its quote once it is sent.
    def service() -> None:
        for request in requests:
            compute_quote(request, tables)

    def floor() -> None:
        for p, d, o, pct, m, n, pd in inputs:
            bare_quote(p, d, o, pct, m, n, pd, bare)

    for repeat in range(args.repeat):
        order = ("service", "floor") if repeat % 2 == 0 else ("floor", "service")
        for which in order:
            if which == "service":
                seconds = timed(service)
                measured.service_s.append(seconds)
            else:
                seconds = timed(floor)
                measured.floor_s.append(seconds)
            print(f"  run {repeat + 1}, {which:<7}: {len(inputs) / seconds:>9,.0f} quotes/s")

    measured.parts_s = parts(requests, tables)
    if args.requests:
        http(args, inputs[: args.requests], quotes, measured)
    return measured


def parts(requests: Sequence["QuoteInput"], tables: "Tables") -> dict[str, float]:
    """Each step of compute_quote alone over the same inputs (best of 3), to see where time goes."""
    from fees.money import advance, damages_clause, interest, ios_cap

    vat, discount, cap = (tables.percent(c) for c in ("vat_rate", "partner_discount", "ios_cap"))
    zero = Decimal(0)
    rates = tables.commercial_rates
    steps: dict[str, Callable[[], object]] = {
        "advance()": lambda: [
            advance(
                r.principal,
                tables.brackets,
                vat_percent=vat,
                discount_percent=discount if r.partner_discount else zero,
            )
            for r in requests
        ],
        "interest()": lambda: [interest(r.principal, r.due_date, r.on, rates) for r in requests],
        "damages_clause()": lambda: [
            damages_clause(r.principal, r.damages_percent, r.damages_minimum) for r in requests
        ],
        "ios_cap()": lambda: [ios_cap(r.principal, zero, zero, cap) for r in requests],
    }
    return {name: min(timed(step) for _ in range(3)) for name, step in steps.items()}


def http(args: argparse.Namespace, inputs: Sequence[Raw], quotes: Sequence["Quote"],
         measured: Measured) -> None:  # fmt: skip
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fees.selectors import tables_on

    client = Client()
    path = "/api/v1/calculator/quote"

    def params(raw: Raw) -> dict[str, str]:
        p, due, on, pct, minimum, n, partner = raw
        query = {"principal": str(p), "due_date": due.isoformat(), "on": on.isoformat(),
                 "damages_clause_percent": str(pct), "invoices": str(n),
                 "partner_discount": "true" if partner else "false"}  # fmt: skip
        if minimum is not None:
            query["damages_clause_minimum"] = str(minimum)
        return query

    queries = [params(raw) for raw in inputs]
    for query in queries[:20]:  # warm-up, untimed
        client.get(path, query)
    start = time.perf_counter()
    responses = [client.get(path, query) for query in queries]
    measured.http_s = time.perf_counter() - start
    measured.http_requests = len(queries)
    for raw, response, quote in zip(inputs, responses, quotes, strict=False):
        if response.status_code != 200:
            measured.http_bad.append(f"{raw}: HTTP {response.status_code}")
            continue
        body = response.json()
        expected = {
            "interest": str(quote.interest.amount),
            "damages_clause": str(quote.damages_clause),
            "ios_cap": str(quote.capped.cap),
            "total_claim": str(quote.total_claim),
            "incl_vat": str(quote.advance.incl_vat),
        }
        got = {**{k: body.get(k) for k in expected}, "incl_vat": body["advance"]["incl_vat"]}
        if got != expected:
            measured.http_bad.append(f"{raw}: {got} != {expected}")

    with CaptureQueriesContext(connection) as captured:
        tables_on(args.on)
    measured.tables_queries = len(captured.captured_queries)
    for _ in range(len(queries)):
        measured.tables_ms.append(timed(lambda: tables_on(args.on)) * 1000)


# --- reporting ---------------------------------------------------------------------------------


def machine_lines(url: str) -> list[str]:
    if url.startswith("postgres"):
        with psycopg.connect(url) as raw:
            return machine(raw)
    import django

    return [
        f"{platform.system()} {platform.release()} {platform.machine()}, nproc {os.cpu_count()},"
        f" CPU {cpu_model()}, {memory_gib()} GiB RAM",
        f"Python {platform.python_version()}, Django {django.get_version()}",
        f"SQLite {sqlite3.sqlite_version} (throwaway file in a temporary directory)",
    ]


def report(args: argparse.Namespace, inputs: Sequence[Raw], m: Measured, lines: list[str]) -> bool:
    n = len(inputs)
    service = [n / s for s in m.service_s]
    floor = [n / s for s in m.floor_s]
    service_rate, floor_rate = statistics.median(service), statistics.median(floor)
    ratio = service_rate / floor_rate
    rate_ok, same = service_rate >= GOAL_RATE, not m.mismatches

    print()
    print(f"Quote calculator benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for text in lines:
        print(f"  {text}")
    partner = sum(raw[6] for raw in inputs)
    minimum = sum(raw[4] is not None for raw in inputs)
    first = min(raw[1] for raw in inputs)
    print(
        f"  data: {n:,} quotes on {args.on}, due {first} to {max(raw[1] for raw in inputs)},"
        f" principal {min(raw[0] for raw in inputs)}–{max(raw[0] for raw in inputs)};"
    )
    print(
        f"        {partner:,} with partner discount, {minimum:,} with a damages minimum,"
        f" {m.provisional:,} provisional, {m.capped:,} capped (seed {args.seed})"
    )
    print()

    runs = "".join(f"{'run ' + str(k + 1):>10}" for k in range(args.repeat))
    header = f"{'figure':<40}{runs}{'best':>10}{'median':>10}  {'goal':<11}result"
    print(header)
    print("-" * len(header))

    def row(label: str, cells: Sequence[float], best: float, median: float, goal: str) -> None:
        def cell(v: float) -> str:
            return f"{v:>10,.0f}" if v >= 100 else f"{v:>10.2f}"

        mark = {"≥ 5,000/s": rate_ok}.get(goal)
        result = "" if mark is None else verdict(mark)
        text = (
            f"{label:<40}{''.join(map(cell, cells))}{cell(best)}{cell(median)}  {goal:<11}{result}"
        )
        print(text.rstrip())

    pairs = [s / f for s, f in zip(service, floor, strict=True)]
    row("compute_quote (quotes/s)", service, max(service), service_rate, "≥ 5,000/s")
    row("bare arithmetic floor (quotes/s)", floor, max(floor), floor_rate, "")
    row("ratio service / floor", pairs, max(service) / max(floor), ratio, "(reported)")
    print("(ratio: median service rate / median floor rate; best: best / best; per run: pairs)")
    checked = " and ".join(m.checked)
    print(f"identical results on every input ({checked}): {verdict(same)}")
    for text in m.mismatches[:20]:
        print(f"  MISMATCH {text}")
    if len(m.mismatches) > 20:
        print(f"  … {len(m.mismatches) - 20} more")

    print()
    print("where compute_quote spends its time (each step alone, same inputs, best of 3):")
    whole = min(m.service_s)
    for name, seconds in m.parts_s.items():
        print(f"  {name:<18} {seconds / n * 1e6:>7.1f} µs/quote  ({seconds / whole:>4.0%})")
    print(f"  {'compute_quote':<18} {whole / n * 1e6:>7.1f} µs/quote  (best run)")
    print(f"  {'bare floor':<18} {min(m.floor_s) / n * 1e6:>7.1f} µs/quote  (best run)")

    if m.http_requests:
        print()
        rate = m.http_requests / m.http_s
        tables_ms = statistics.median(m.tables_ms)
        print(f"informational: GET /api/v1/calculator/quote, {m.http_requests:,} requests")
        print(f"  {rate:,.0f} requests/s, {m.http_s / m.http_requests * 1000:.2f} ms/request")
        print(
            f"  tables_on(on) alone: {tables_ms:.2f} ms median ({m.tables_queries} queries),"
            f" {tables_ms / (m.http_s / m.http_requests * 1000):.0%} of a request"
        )
        print(f"  responses equal to the in-process quote: {verdict(not m.http_bad)}")
        for text in m.http_bad[:10]:
            print(f"  BAD {text}")
    ok = rate_ok and same and not m.http_bad
    print()
    print("All goals met." if ok else "Some goals are NOT met.")
    return ok


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quotes", type=int, default=10_000, help="quotes (10000)")
    parser.add_argument("--repeat", type=int, default=5, help="service and floor runs (5)")
    parser.add_argument(
        "--requests", type=int, default=1000, help="HTTP requests, informational; 0: none (1000)"
    )
    parser.add_argument("--on", type=date.fromisoformat, default=ON, help=f"quote date ({ON})")
    parser.add_argument("--seed", type=int, default=2002, help="random seed of the inputs")
    parser.add_argument("--sqlite", action="store_true", help="a throwaway SQLite file instead")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL URL of a database to connect to while creating the bench database",
    )
    args = parser.parse_args(argv)
    if args.quotes < 1 or args.repeat < 1 or args.requests < 0:
        parser.error("need --quotes >= 1, --repeat >= 1, --requests >= 0")
    if args.on <= TABLES_START:
        parser.error("--on must be after 2016-01-01")
    return args


def run(args: argparse.Namespace, url: str) -> bool:
    from django.db import connections

    try:
        inputs = generate(args.quotes, args.on, args.seed)
        measured = measure(args, inputs)
        return report(args, inputs, measured, machine_lines(url))
    finally:
        connections.close_all()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ios_bench_") as var_dir:
        if args.sqlite:
            url = f"sqlite:///{var_dir}/bench.sqlite3"
            print(f"bench database {url}: {args.quotes:,} quotes")
            setup_django(url, Path(var_dir))
            return 0 if run(args, url) else 1
        name = f"ios_bench_{secrets.token_hex(4)}"
        url = database_url(args.server, name)
        print(f"bench database {name}: {args.quotes:,} quotes")
        create_database(args.server, name)
        try:
            setup_django(url, Path(var_dir))
            return 0 if run(args, url) else 1
        finally:
            drop_database(args.server, name)
            print(f"bench database {name} dropped")


if __name__ == "__main__":
    sys.exit(main())
