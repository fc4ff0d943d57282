"""Benchmark of the eligibility check (`claims.eligibility.eligibility_check`) on PostgreSQL.

    .venv/bin/python bench/eligibility.py [--enterprises 2000000] [--checks 10000]
                                           [--before-analyze 200] [--keep-db]

It loads a synthetic full register of --enterprises enterprises (the generator of
bench/kbo_import.py, imported with `import_kbo`) into a throwaway database `ios_bench_<random>`
on the server given by --server (default $BENCH_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/postgres), and drops it again, also on failure (unless
--keep-db). The extract, VAR_DIR and MEDIA_ROOT live in a temporary directory. This is not a
test: pytest collects tests/test_*.py only and .ci/run does not run it. The recorded run uses the
full register (2,000,000 enterprises); a smaller --enterprises is for trials only.

Right after the import, before any statistics exist on the new register tables, --before-analyze
checks (200; other numbers of the register, not among the --checks ones) are timed the same way:
what users get until (auto)vacuum analyzes the tables. Then `VACUUM (ANALYZE)` of the register
tables (the state autovacuum brings them to, if it runs) and 50 untimed warm-up checks on other
numbers. The goal applies to this steady state:

1. Checks: `eligibility_check(facts=ClaimFacts(...))` in process, for --checks distinct random
   enterprise numbers, 5 % of them (--absent) valid numbers that are not in the register, in
   random order. The creditor is one Belgian company of the register (so every check looks up
   two enterprises, as a real one does); one invoice, due 60 days ago. Each check is timed
   alone with time.perf_counter; the figures are p50, p95, p99 and max.
2. Baseline: the bare primary-key lookup `Enterprise.objects.filter(number=n).first()` for the
   same numbers in the same order, timed the same way, right after the checks. The ratio is
   check / baseline for each statistic.
3. The checks again, same numbers (warm caches), for comparison.
4. Not timed per check: the first --profile numbers checked once more with every query's
   `cursor.execute` timed through `connection.execute_wrapper`, to show where the time goes
   (queries per check by table, time in the database round trips, time in the ORM and Python).

Every verdict is checked: absent numbers give `debtor_not_registered`, the others never do.

Results go in docs/benchmarks.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import bisect
import math
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from bench.kbo_import import (
    REGISTER_TABLES,
    Extract,
    add_common_arguments,
    checkpoint,
    count_indexes,
    generate,
    number_of,
    run_import,
    verify_import,
    with_bench_database,
)
from bench.sweep import BenchError, machine, verdict

GOAL_P95_MS = 20.0
WARM_UP = 50


@dataclass
class Sample:
    present: list[str]
    absent: list[str]
    warm_up: list[str]
    before_analyze: list[str]

    @property
    def numbers(self) -> list[str]:
        return self.present + self.absent


def pick_numbers(
    extract: Extract, *, checks: int, absent_share: float, before: int, seed: int
) -> Sample:
    """Distinct numbers, `absent_share` of them valid but not in the register; more for the
    warm-up and the checks before ANALYZE, all distinct."""
    rng = random.Random(seed + 1)
    absent_n = round(checks * absent_share)
    present_n = checks - absent_n
    if present_n + WARM_UP + before > len(extract.bases):
        raise BenchError(f"the register has {len(extract.bases):,} enterprises, too few")
    chosen = [number_of(base) for base in rng.sample(extract.bases, present_n + WARM_UP + before)]
    present, warm_up = chosen[:present_n], chosen[present_n : present_n + WARM_UP]
    before_analyze = chosen[present_n + WARM_UP :]
    absent: set[str] = set()
    while len(absent) < absent_n:
        base = rng.randrange(2_000_000, 11_000_000)
        at = bisect.bisect_left(extract.bases, base)
        if at == len(extract.bases) or extract.bases[at] != base:
            absent.add(number_of(base))
    rng.shuffle(before_analyze)
    return Sample(present, sorted(absent), warm_up, before_analyze)


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Pass:
    label: str
    ms: list[float]

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile."""
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def stats(self) -> dict[str, float]:
        return {
            "p50": self.percentile(50),
            "p95": self.percentile(95),
            "p99": self.percentile(99),
            "max": max(self.ms),
            "mean": statistics.fmean(self.ms),
        }


def timed_each(numbers: Sequence[str], call: Callable[[str], Any]) -> tuple[list[float], list[Any]]:
    results: list[Any] = []
    ms: list[float] = []
    clock = time.perf_counter
    for number in numbers:
        start = clock()
        result = call(number)
        ms.append((clock() - start) * 1000)
        results.append(result)
    return ms, results


def checker(creditor: str, on: date) -> Callable[[str], Any]:
    from claims.eligibility import ClaimFacts, InvoiceFacts, eligibility_check

    invoices = (InvoiceFacts("INV-1", on - timedelta(days=60), Decimal("1250.00")),)

    def check(number: str) -> Any:
        facts = ClaimFacts(
            creditor_country="BE",
            creditor_number=creditor,
            debtor_country="BE",
            debtor_number=number,
            invoices=invoices,
            on=on,
        )
        return eligibility_check(facts=facts)

    return check


def lookup(number: str) -> Any:
    from debtors.identifiers import format_be_enterprise
    from debtors.models import Enterprise

    return Enterprise.objects.filter(number=format_be_enterprise(number)).first()


def count_queries(call: Callable[[], object]) -> int:
    from django.db import connection

    count = 0

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        call()
    return count


@dataclass
class QueryProfile:
    checks: int
    total_ms: float  # wall time of the checks, wrapper included
    by_shape: dict[str, list[float]]  # what a query reads → ms of each execution

    @property
    def execute_ms(self) -> float:
        return sum(sum(times) for times in self.by_shape.values())


def query_profile(numbers: Sequence[str], check: Callable[[str], Any]) -> QueryProfile:
    """The checks again, each query's cursor.execute timed (psycopg fetches the rows in it)."""
    from django.db import connection

    by_shape: dict[str, list[float]] = {}
    clock = time.perf_counter

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            by_shape.setdefault(_shape(sql), []).append((clock() - start) * 1000)

    started = clock()
    with connection.execute_wrapper(wrapper):
        for number in numbers:
            check(number)
    return QueryProfile(len(numbers), (clock() - started) * 1000, by_shape)


def _shape(sql: str) -> str:
    table = re.search(r'FROM "(\w+)"', sql)
    name = table[1] if table else sql.split()[0]
    if re.search(r"\b(MAX|COUNT)\(", sql):
        return f"{name} (aggregate)"
    return name


def verify_verdicts(
    sample: Sample, numbers: Sequence[str], verdicts: Sequence[Any]
) -> Counter[str]:
    absent = set(sample.absent)
    reasons: Counter[str] = Counter()
    for number, result in zip(numbers, verdicts, strict=True):
        codes = [reason.code for reason in result.reasons]
        if ("debtor_not_registered" in codes) != (number in absent):
            raise BenchError(f"{number}: reasons {codes}")
        if "creditor_not_registered" in codes:
            raise BenchError(f"{number}: the creditor was not found")
        reasons.update(codes or ["(eligible)"])
    return reasons


# --- main ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str, work: Path) -> bool:
    from django.db import connections

    try:
        with psycopg.connect(url, autocommit=True) as raw:
            started = time.perf_counter()
            extract = generate(work / "extract", enterprises=args.enterprises, seed=args.seed)
            generated_s = time.perf_counter() - started
            indexes = count_indexes(raw, "public", list(REGISTER_TABLES.values()))
            checkpoint(raw)
            imported = run_import(extract.folder)
            verify_import(raw, extract, indexes, "import")
            print(
                f"  extract generated in {generated_s:.1f} s, imported in "
                f"{imported.seconds:.1f} s: {extract.rows}"
            )
            for path in extract.folder.iterdir():
                path.unlink()
            sample = pick_numbers(
                extract,
                checks=args.checks,
                absent_share=args.absent,
                before=args.before_analyze,
                seed=args.seed,
            )
            numbers = sample.numbers
            random.Random(args.seed + 2).shuffle(numbers)
            row = raw.execute(
                "SELECT number FROM debtors_enterprise WHERE type_of_enterprise = '2'"
                " AND juridical_situation = '000' AND juridical_form = '610'"
                " AND number <> ALL(%s) ORDER BY number LIMIT 1",
                [numbers + sample.warm_up + sample.before_analyze],
            ).fetchone()
            if row is None:
                raise BenchError("no creditor company in the register")
            creditor = str(row[0]).replace(".", "")  # normalised, as the services pass it
            check = checker(creditor, date.today())
            analyzed = raw.execute(
                "SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = ANY(%s)",
                [list(REGISTER_TABLES.values())],
            ).fetchone()
            if analyzed == (0,):  # import_kbo ANALYZEs the new tables before the swap
                raise BenchError("the register tables have no statistics after import_kbo")
            check(creditor)  # the classification cache, before the pass
            before_analyze = None
            if sample.before_analyze:
                ms, _verdicts = timed_each(sample.before_analyze, check)
                before_analyze = Pass("eligibility_check right after import_kbo", ms)
                print(
                    f"  {len(ms)} checks right after the import, p95 "
                    f"{before_analyze.stats['p95']:.1f} ms"
                )

            started = time.perf_counter()
            raw.execute(f"VACUUM (ANALYZE) {', '.join(REGISTER_TABLES.values())}")
            vacuum_s = time.perf_counter() - started
            checkpoint(raw)
            for number in sample.warm_up:
                check(number)
            queries_present = count_queries(lambda: check(sample.present[0]))
            queries_absent = count_queries(lambda: check(sample.absent[0]))
            lookup_queries = count_queries(lambda: lookup(sample.present[0]))

            ms, verdicts = timed_each(numbers, check)
            reasons = verify_verdicts(sample, numbers, verdicts)
            checks = Pass("eligibility_check", ms)
            ms, found = timed_each(numbers, lookup)
            absent = set(sample.absent)
            if any((f is None) != (n in absent) for n, f in zip(numbers, found, strict=True)):
                raise BenchError("the baseline lookup found an absent number or missed one")
            baseline = Pass("Enterprise.objects.filter(number=n).first()", ms)
            ms, verdicts = timed_each(numbers, check)
            verify_verdicts(sample, numbers, verdicts)
            again = Pass("eligibility_check again (warm)", ms)
            profile = query_profile(numbers[: args.profile], check)

            return report(
                args,
                extract,
                imported.seconds,
                vacuum_s,
                sample,
                creditor,
                (queries_present, queries_absent, lookup_queries),
                reasons,
                (checks, baseline, again, before_analyze),
                profile,
                machine(raw),
            )
    finally:
        connections.close_all()


def report(
    args: argparse.Namespace,
    extract: Extract,
    import_s: float,
    vacuum_s: float,
    sample: Sample,
    creditor: str,
    queries: tuple[int, int, int],
    reasons: Counter[str],
    passes: tuple[Pass, Pass, Pass, Pass | None],
    profile: QueryProfile,
    machine_lines: list[str],
) -> bool:
    checks, baseline, again, before_analyze = passes
    p95 = checks.stats["p95"]
    ok = p95 < GOAL_P95_MS

    print()
    print(f"Eligibility check benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for text in machine_lines:
        print(f"  {text}")
    rows = ", ".join(f"{name} {n:,}" for name, n in extract.rows.items())
    print(f"  register: {extract.enterprises:,} enterprises ({rows}); import_kbo {import_s:.1f} s")
    print(f"  VACUUM (ANALYZE) of the register tables after the import: {vacuum_s:.1f} s")
    print(
        f"  {len(sample.numbers):,} distinct numbers, {len(sample.absent):,} of them absent from"
        f" the register; creditor {creditor}"
    )
    print(
        f"  a check issues {queries[0]} queries ({queries[1]} for an absent debtor);"
        f" the baseline {queries[2]}"
    )
    found = ", ".join(f"{code} {n:,}" for code, n in reasons.most_common())
    print(f"  reasons found: {found}")
    print()

    header = f"{'ms per call':<48}" + "".join(
        f"{name:>9}" for name in ("p50", "p95", "p99", "max", "mean")
    )
    header += f"  {'goal':<10}result"
    print(header)
    print("-" * len(header))
    for item, goal in ((checks, "p95 < 20"), (baseline, ""), (again, "")):
        cells = "".join(f"{value:>9.2f}" for value in item.stats.values())
        result = verdict(ok) if goal else ""
        print(f"{item.label:<48}{cells}  {goal:<10}{result}".rstrip())
    for label, first, second in (
        ("ratio check / baseline", checks, baseline),
        ("ratio check again (warm) / baseline", again, baseline),
    ):
        cells = "".join(f"{first.stats[key] / second.stats[key]:>9.2f}" for key in first.stats)
        print(f"{label:<48}{cells}")
    if before_analyze is not None:
        cells = "".join(f"{value:>9.2f}" for value in before_analyze.stats.values())
        late = verdict(before_analyze.stats["p95"] < GOAL_P95_MS)
        print(f"{before_analyze.label:<48}{cells}  {'p95 < 20':<10}({late}, not the goal's state)")
        print(
            f"  ({len(before_analyze.ms)} other numbers, before any ANALYZE of the new tables;"
            " the goal is measured after it)"
        )
    print()
    n = profile.checks
    print(f"Where a check's time goes ({n:,} more checks, each query's cursor.execute timed):")
    for shape, times in sorted(profile.by_shape.items(), key=lambda item: -sum(item[1])):
        print(f"  {shape:<46}{len(times) / n:>5.1f} per check {sum(times) / n:>7.2f} ms")
    per_check = profile.total_ms / n
    in_execute = profile.execute_ms / n
    print(f"  {'in cursor.execute, all queries':<46}{'':>15} {in_execute:>7.2f} ms")
    print(
        f"  {'the rest (ORM, Python, the timing wrapper)':<46}{'':>15}"
        f" {per_check - in_execute:>7.2f} ms"
    )
    print()
    print("All goals met." if ok else "Some goals are NOT met.")
    return ok


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_common_arguments(parser)
    parser.add_argument("--checks", type=int, default=10_000, help="distinct numbers (10000)")
    parser.add_argument(
        "--absent", type=float, default=0.05, help="share of numbers not in the register (0.05)"
    )
    parser.add_argument(
        "--profile", type=int, default=2000, help="checks run again with queries timed (2000)"
    )
    parser.add_argument(
        "--before-analyze",
        type=int,
        default=200,
        help="checks timed right after the import, before ANALYZE (200; 0: none)",
    )
    args = parser.parse_args(argv)
    if args.checks < 1 or args.before_analyze < 0 or not 0 <= args.absent < 1:
        parser.error("need --checks ≥ 1 and 0 ≤ --absent < 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    what = f"{args.enterprises:,} enterprises, {args.checks:,} checks"
    return with_bench_database(args, lambda url, work: run(args, url, work), what)


if __name__ == "__main__":
    sys.exit(main())
