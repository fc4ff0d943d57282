"""Benchmark of the enterprise register import (`import_kbo`) on PostgreSQL.

    .venv/bin/python bench/kbo_import.py [--enterprises 2000000] [--repeat 3] [--no-zip]
                                         [--keep-db]

It writes a synthetic full extract in the official KBO/BCE Open Data format (domain.md section 6)
to a temporary directory, creates a throwaway database `ios_bench_<random>` on the server given by
--server (default $BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres),
migrates it, measures, and drops it again, also on failure (unless --keep-db). What Django writes
to disk (VAR_DIR, MEDIA_ROOT) goes to the temporary directory too. This is not a test: pytest
collects tests/test_*.py only and .ci/run does not run it.

The extract: the sample's code.csv rows plus descriptions of every other code used; per
enterprise one enterprise.csv row with a valid mod-97 number, sorted by number as the official
files are. About 5 % are natural persons (no legal form, no seat address, sometimes a commercial
name); the others are legal persons with a name (001), sometimes an abbreviation (002) or a
commercial name (003), and one registered seat (REGO). About 1 % are bankrupt, in judicial
reorganisation or in dissolution, 1.5 % in a historical situation (creation, extension), 0.5 %
public bodies. Some names hold quotes and commas.

Every figure is printed against a floor measured in the same run:

1. Import: the wall time of `call_command("import_kbo", folder)` on the freshly migrated
   database: COPY of the rows converted in Python into `<table>__next` tables, the live tables'
   indexes built on them, the swap by renaming, the RegisterExtract row, in one transaction.
2. Floor: the same files sent unchanged to PostgreSQL with `COPY … FROM STDIN WITH (FORMAT csv,
   HEADER true)` into bare tables whose columns are the CSV headers as text (plus an identity
   `id` where the register table has a generated id), then the same indexes as the register
   tables have (read from pg_indexes: kind, uniqueness, columns, operator class, primary key),
   all in one transaction. The ratio is import time / floor time.

Floor and import runs alternate (F I, I F, ...); a CHECKPOINT comes before each. The import's
phases come from the command's own progress lines. Afterwards, the time Python alone takes to
read and convert each file (`read_rows`, no database) shows how much of the import is
Python-side conversion. With --zip (the default) the files are also zipped as the official
`KboOpenData_<n>_<yyyy>_<mm>_Full.zip` and one more import is timed from the zip; it replaces
the register the previous import loaded.

Results go in docs/benchmarks.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import contextlib
import csv
import io
import os
import random
import re
import secrets
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO

import psycopg
from psycopg import sql as pgsql

from bench.sweep import (
    DEFAULT_SERVER,
    ROOT,
    BenchError,
    create_database,
    database_url,
    drop_database,
    machine,
    setup_django,
    verdict,
)

GOAL_RATIO = 2.0  # import time / floor time, at most
GOAL_SECONDS = 300.0  # import time, under

SAMPLE = ROOT / "debtors" / "data" / "kbo_sample"
SNAPSHOT = date(2025, 5, 30)
FILE_NAMES = ("code", "enterprise", "denomination", "address")

# Codes used that the sample's code.csv does not describe (synthetic descriptions).
EXTRA_CODES = (
    ("JuridicalForm", "017", "FR", "Association sans but lucratif"),
    ("JuridicalForm", "017", "NL", "Vereniging zonder winstoogmerk"),
    ("JuridicalForm", "706", "FR", "Société coopérative"),
    ("JuridicalForm", "706", "NL", "Coöperatieve vennootschap"),
)
# (form, suffix of the name, weight) for legal persons, public bodies apart.
FORMS = (("610", "BV", 55), ("014", "NV", 25), ("017", "VZW", 12), ("706", "CV", 8))
PUBLIC_FORMS = (("124", "Openbare instelling"), ("301", "Federale overheidsdienst"))
# (postal code, municipality NL, municipality FR, denomination language)
PLACES = (
    ("1000", "Brussel", "Bruxelles", ""), ("1050", "Elsene", "Ixelles", ""),
    ("1080", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean", ""),
    ("1200", "Sint-Lambrechts-Woluwe", "Woluwe-Saint-Lambert", ""),
    ("1300", "Waver", "Wavre", "1"), ("1500", "Halle", "Hal", "2"),
    ("2000", "Antwerpen", "Anvers", "2"), ("2800", "Mechelen", "Malines", "2"),
    ("3000", "Leuven", "Louvain", "2"), ("3500", "Hasselt", "Hasselt", "2"),
    ("4000", "Luik", "Liège", "1"), ("4700", "Eupen", "Eupen", "3"),
    ("5000", "Namen", "Namur", "1"), ("6000", "Charleroi", "Charleroi", "1"),
    ("7000", "Bergen", "Mons", "1"), ("8000", "Brugge", "Bruges", "2"),
    ("8500", "Kortrijk", "Courtrai", "2"), ("9000", "Gent", "Gand", "2"),
    ("9300", "Aalst", "Alost", "2"), ("9070", "Destelbergen", "Destelbergen", "2"),
)  # fmt: skip
STREETS = (
    ("Kerkstraat", "Rue de l'Église"), ("Stationsstraat", "Rue de la Gare"),
    ("Dorpsstraat", "Rue du Village"), ("Nieuwstraat", "Rue Neuve"),
    ("Molenstraat", "Rue du Moulin"), ("Schoolstraat", "Rue de l'École"),
    ("Wetstraat", "Rue de la Loi"), ("Industrieweg", "Route de l'Industrie"),
    ("Kouter", "Kouter"), ("Grote Markt", "Grand-Place"),
)  # fmt: skip
WORDS = (
    "Noord", "Zuid", "Atelier", "Bouw", "Techniek", "Consult", "Logistiek", "Immo", "Invest",
    "Horeca", "Transport", "Verde", "Lumière", "Services", "Digital", "Agri", "Medical",
    "Trading", "Solutions", "Group", "Design", "Food", "Energie", "Mosa", "Schelde", "Leie",
)  # fmt: skip


# --- the synthetic extract --------------------------------------------------------------------


@dataclass
class Extract:
    folder: Path
    enterprises: int
    rows: dict[str, int]  # data rows per file, as `kbo_import` reports them ("enterprise.csv")
    bases: list[int]  # the first eight digits of every enterprise number, sorted
    by_kind: dict[str, int] = field(default_factory=dict)
    bytes: int = 0


def check_digits(base: int) -> int:
    """The last two digits of a Belgian enterprise number: 97 − (first eight digits mod 97)."""
    return 97 - base % 97


def number_of(base: int) -> str:
    """The normalised ten-digit number (as the register stores it)."""
    return f"{base:08d}{check_digits(base):02d}"


def dotted(base: int) -> str:
    digits = number_of(base)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _code_lines() -> list[str]:
    """The sample's code.csv rows verbatim, then the descriptions of the other codes used."""
    text = (SAMPLE / "code.csv").read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines()[1:] if line.strip()]
    lines += [",".join(map(_quote, row)) for row in EXTRA_CODES]
    return lines


def generate(folder: Path, *, enterprises: int, seed: int) -> Extract:
    """Write meta.csv, code.csv, enterprise.csv, denomination.csv and address.csv in `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    # Numbers 0200.000.0xx … 1099.999.9xx; the sample's 0999.xxx fixtures are left out.
    pool = range(2_000_000, 11_000_000)
    bases = sorted(
        b
        for b in rng.sample(pool, enterprises + enterprises // 50 + 10)
        if not 9_990_000 <= b < 9_990_100
    )[:enterprises]
    if len(bases) < enterprises:
        raise BenchError("too few enterprise numbers drawn")

    (folder / "meta.csv").write_text(
        '"Variable","Value"\n'
        f'"SnapshotDate","{SNAPSHOT:%d-%m-%Y}"\n'
        f'"ExtractTimestamp","{SNAPSHOT + timedelta(days=2):%d-%m-%Y} 07:07:49"\n'
        '"ExtractType","full"\n"ExtractNumber","136"\n"Version","1.0.0"\n',
        encoding="utf-8",
    )
    codes = _code_lines()
    with (folder / "code.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write('"Category","Code","Language","Description"\n')
        handle.write("\n".join(codes) + "\n")

    by_kind: dict[str, int] = {}
    counts = {"enterprise": 0, "denomination": 0, "address": 0}
    form_choices = [(form, suffix) for form, suffix, weight in FORMS for _ in range(weight)]
    first_day = date(1950, 1, 1).toordinal()
    days = date(2025, 5, 1).toordinal() - first_day
    files = {
        name: (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
        for name in ("enterprise", "denomination", "address")
    }
    try:
        files["enterprise"].write(
            '"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise",'
            '"JuridicalForm","JuridicalFormCAC","StartDate"\n'
        )
        files["denomination"].write(
            '"EntityNumber","Language","TypeOfDenomination","Denomination"\n'
        )
        files["address"].write(
            '"EntityNumber","TypeOfAddress","CountryNL","CountryFR","Zipcode","MunicipalityNL",'
            '"MunicipalityFR","StreetNL","StreetFR","HouseNumber","Box","ExtraAddressInfo",'
            '"DateStrikingOff"\n'
        )
        ent: list[str] = []
        den: list[str] = []
        adr: list[str] = []
        rand, choice, randrange = rng.random, rng.choice, rng.randrange
        for index, base in enumerate(bases):
            number = dotted(base)
            start = date.fromordinal(first_day + randrange(days)).strftime("%d-%m-%Y")
            draw = rand()
            if draw < 0.0035:
                situation, kind = "901", "bankrupt"
            elif draw < 0.0065:
                situation, kind = "902", "reorganisation"
            elif draw < 0.0100:
                situation, kind = "903", "dissolution"
            elif draw < 0.0200:
                situation, kind = "001", "historical situation"
            elif draw < 0.0250:
                situation, kind = "002", "historical situation"
            else:
                situation, kind = "000", "normal"
            by_kind[kind] = by_kind.get(kind, 0) + 1
            if rand() < 0.05:  # a natural person: no form, no seat, maybe a commercial name
                by_kind["natural person"] = by_kind.get("natural person", 0) + 1
                ent.append(f'"{number}","AC","{situation}","1",,,{start}\n')
                if rand() < 0.4:
                    den.append(f'"{number}","{choice("12")}","003","{choice(WORDS)} {index}"\n')
            else:
                zipcode, city_nl, city_fr, language = choice(PLACES)
                language = language or choice("12")
                if rand() < 0.005:
                    form, _description = choice(PUBLIC_FORMS)
                    first = choice(WORDS)
                    name = f"{first} {city_nl} {index}"
                    by_kind["public body"] = by_kind.get("public body", 0) + 1
                else:
                    form, suffix = choice(form_choices)
                    first = choice(WORDS)
                    words = f"{first} {choice(WORDS)}"
                    shape = rand()
                    if shape < 0.01:
                        words = f'{words} ""{choice(WORDS)}""'
                    elif shape < 0.03:
                        words = f"{words}, {choice(WORDS)} & Co"
                    name = f"{words} {index} {suffix}"
                cac = '"' + form + '"' if rand() < 0.02 else ""
                ent.append(f'"{number}","AC","{situation}","2","{form}",{cac},{start}\n')
                den.append(f'"{number}","{language}","001","{name}"\n')
                extra = rand()
                if extra < 0.30:
                    den.append(f'"{number}","{language}","002","{first[:4].upper()} {index}"\n')
                elif extra < 0.36:
                    den.append(f'"{number}","{language}","003","{choice(WORDS)} {index}"\n')
                street_nl, street_fr = choice(STREETS)
                if zipcode >= "1300" and zipcode != "1500" and language == "1":
                    street_nl = street_fr
                elif not zipcode.startswith("1"):
                    street_fr = street_nl
                box = f"b{randrange(1, 30)}" if rand() < 0.15 else ""
                adr.append(
                    f'"{number}","REGO",,,"{zipcode}","{city_nl}","{city_fr}",'
                    f'"{street_nl}","{street_fr}","{randrange(1, 400)}","{box}","",\n'
                )
            if len(ent) >= 20_000:
                _flush(files, ent, den, adr, counts)
        _flush(files, ent, den, adr, counts)
    finally:
        for handle in files.values():
            handle.close()
    size = sum(path.stat().st_size for path in folder.glob("*.csv"))
    rows = {"code.csv": len(codes)} | {f"{name}.csv": n for name, n in counts.items()}
    return Extract(folder, enterprises, rows, bases, by_kind, size)


def _flush(
    files: Mapping[str, TextIO],
    ent: list[str],
    den: list[str],
    adr: list[str],
    counts: dict[str, int],
) -> None:
    for name, lines in (("enterprise", ent), ("denomination", den), ("address", adr)):
        files[name].write("".join(lines))
        counts[name] += len(lines)
        lines.clear()


def zip_extract(extract: Extract, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("meta", *FILE_NAMES):
            archive.write(extract.folder / f"{name}.csv", f"{name}.csv")
    return target


# --- the import --------------------------------------------------------------------------------


REGISTER_TABLES = {
    "code": "debtors_registercode",
    "enterprise": "debtors_enterprise",
    "denomination": "debtors_denomination",
    "address": "debtors_registeraddress",
}
PROGRESS_LINE = re.compile(r"^\s*(\w+): ([\d,]+) rows \(([\d.]+) s\)$")


@dataclass
class ImportRun:
    seconds: float
    phases: dict[str, float]  # file name → seconds since the start when its COPY ended
    output: str


def run_import(path: Path) -> ImportRun:
    """`call_command("import_kbo", path)`, timed; the phases come from its progress lines."""
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_kbo", str(path), stdout=out)
    seconds = time.perf_counter() - started
    phases: dict[str, float] = {}
    for line in out.getvalue().splitlines():
        if match := PROGRESS_LINE.match(line):
            phases[match[1]] = float(match[3])
    return ImportRun(seconds, phases, out.getvalue())


def verify_import(raw: psycopg.Connection[Any], extract: Extract, indexes: int, what: str) -> None:
    """Row counts of the live tables and of the extract row; a few rows read back exactly."""
    from debtors.models import RegisterExtract

    for name, table in REGISTER_TABLES.items():
        found = _count(raw, pgsql.Identifier(table))
        if found != extract.rows[f"{name}.csv"]:
            raise BenchError(
                f"{what}: {table} has {found:,} rows, expected {extract.rows[f'{name}.csv']:,}"
            )
    latest = RegisterExtract.objects.order_by("-id").first()
    if latest is None or latest.rows != extract.rows or latest.snapshot_date != SNAPSHOT:
        raise BenchError(f"{what}: extract row {latest and latest.rows}, expected {extract.rows}")
    for base in (extract.bases[0], extract.bases[len(extract.bases) // 2], extract.bases[-1]):
        row = raw.execute(
            "SELECT number, status, start_date FROM debtors_enterprise WHERE number = %s",
            [dotted(base)],  # the register keeps the extract's spelling
        ).fetchone()
        if row is None or row[1] != "AC" or not isinstance(row[2], date):
            raise BenchError(f"{what}: enterprise {dotted(base)} read back as {row}")
    found = count_indexes(raw, "public", list(REGISTER_TABLES.values()))
    leftovers = raw.execute(r"SELECT count(*) FROM pg_class WHERE relname LIKE '%\_\_next'")
    if found != indexes or leftovers.fetchone() != (0,):
        raise BenchError(
            f"{what}: {found} register indexes after the swap, not {indexes}, or __next left"
        )


def _count(raw: psycopg.Connection[Any], table: pgsql.Composable) -> int:
    row = raw.execute(pgsql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()
    return int(row[0]) if row else -1


def count_indexes(raw: psycopg.Connection[Any], schema: str, tables: list[str]) -> int:
    row = raw.execute(
        "SELECT count(*) FROM pg_indexes WHERE schemaname = %s AND tablename = ANY(%s)",
        [schema, tables],
    ).fetchone()
    return int(row[0]) if row else -1


# --- the floor: plain COPY of the same files, then the same indexes ---------------------------


@dataclass(frozen=True)
class FloorIndex:
    table: str
    statement: pgsql.Composed
    primary: str | None  # the index's name when it becomes the primary key


@dataclass
class FloorRun:
    seconds: float
    phases: dict[str, float]  # as ImportRun.phases, plus "indexes"
    rows: dict[str, int]


def floor_indexes(raw: psycopg.Connection[Any]) -> list[FloorIndex]:
    """The register tables' indexes, restated on the floor tables' CSV-header columns."""
    from debtors.kbo_import import FILES

    result = []
    for spec in FILES:
        table = REGISTER_TABLES[spec.name]
        columns = dict(zip(spec.columns[-len(spec.header) :], spec.header, strict=True))
        columns["id"] = "id"
        rows = raw.execute(
            "SELECT i.indexname, i.indexdef, c.contype = 'p' FROM pg_indexes i"
            " LEFT JOIN pg_constraint c ON c.conname = i.indexname"
            " WHERE i.schemaname = 'public' AND i.tablename = %s ORDER BY i.indexname",
            [table],
        ).fetchall()
        for position, (_name, definition, primary) in enumerate(rows):
            match = re.fullmatch(
                r"CREATE (UNIQUE )?INDEX \S+ ON \S+ USING (\w+) \((.*)\)", definition
            )
            if match is None:
                raise BenchError(f"cannot restate index {definition}")
            keys: list[pgsql.Composable] = []
            for part in match[3].split(", "):
                column, _space, opclass = part.partition(" ")
                key = pgsql.Identifier(columns[column])
                if opclass:
                    opclass = opclass.replace("varchar_pattern_ops", "text_pattern_ops")
                    keys.append(pgsql.SQL("{} {}").format(key, pgsql.SQL(opclass)))
                else:
                    keys.append(key)
            floor_name = f"floor_{spec.name}_{position}"
            statement = pgsql.SQL("CREATE {}INDEX {} ON floor.{} USING {} ({})").format(
                pgsql.SQL(match[1] or ""),
                pgsql.Identifier(floor_name),
                pgsql.Identifier(spec.name),
                pgsql.SQL(match[2]),
                pgsql.SQL(", ").join(keys),
            )
            result.append(FloorIndex(spec.name, statement, floor_name if primary else None))
    return result


def floor_table(name: str) -> tuple[pgsql.Composed, pgsql.Composed]:
    """CREATE TABLE of the bare table and the COPY statement, from the CSV header."""
    from debtors.kbo_import import FILES

    spec = next(s for s in FILES if s.name == name)
    columns: list[pgsql.Composable] = [
        pgsql.SQL("{} text{}").format(
            pgsql.Identifier(header), pgsql.SQL(" NOT NULL" if position == 0 else "")
        )
        for position, header in enumerate(spec.header)
    ]
    if spec.with_id:
        columns.insert(0, pgsql.SQL("id bigint GENERATED BY DEFAULT AS IDENTITY"))
    create = pgsql.SQL("CREATE TABLE floor.{} ({})").format(
        pgsql.Identifier(name), pgsql.SQL(", ").join(columns)
    )
    copy = pgsql.SQL("COPY floor.{} ({}) FROM STDIN WITH (FORMAT csv, HEADER true)").format(
        pgsql.Identifier(name), pgsql.SQL(", ").join(map(pgsql.Identifier, spec.header))
    )
    return create, copy


def run_floor(url: str, folder: Path, indexes: Sequence[FloorIndex]) -> FloorRun:
    """One transaction, as the import: bare tables created, COPYed, indexed, committed."""
    phases: dict[str, float] = {}
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with conn.transaction():
            conn.execute("CREATE SCHEMA floor")
            for name in FILE_NAMES:
                create, copy_sql = floor_table(name)
                conn.execute(create)
                with (
                    conn.cursor() as cursor,
                    cursor.copy(copy_sql) as copy,
                    (folder / f"{name}.csv").open("rb") as handle,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
                phases[name] = time.perf_counter() - started
            for index in indexes:
                conn.execute(index.statement)
                if index.primary:
                    conn.execute(
                        pgsql.SQL("ALTER TABLE floor.{} ADD PRIMARY KEY USING INDEX {}").format(
                            pgsql.Identifier(index.table), pgsql.Identifier(index.primary)
                        )
                    )
        seconds = time.perf_counter() - started
        phases["indexes"] = seconds
        rows = {f"{name}.csv": _count(conn, pgsql.Identifier("floor", name)) for name in FILE_NAMES}
        conn.execute("DROP SCHEMA floor CASCADE")
        conn.commit()
    return FloorRun(seconds, phases, rows)


def checkpoint(raw: psycopg.Connection[Any]) -> None:
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        raw.execute("CHECKPOINT")


# --- Python-side conversion alone ---------------------------------------------------------------


def conversion_seconds(folder: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Per file, with no database: `csv.reader` alone, and `read_rows` (reading + converting)."""
    from debtors.kbo_import import FILES, Source, read_rows

    source = Source(folder)
    parsing: dict[str, float] = {}
    converting: dict[str, float] = {}
    for spec in FILES:
        started = time.perf_counter()
        with source.open(spec.name) as handle:
            for _fields in csv.reader(handle):
                pass
        parsing[spec.name] = time.perf_counter() - started
        started = time.perf_counter()
        for _row in read_rows(source, spec, spec.name, lambda name, n: None):
            pass
        converting[spec.name] = time.perf_counter() - started
    return parsing, converting


# --- reporting ----------------------------------------------------------------------------------


def _per_file(phases: dict[str, float], total: float) -> dict[str, float]:
    """Seconds per phase from the cumulative marks: each file's COPY, then the rest."""
    result, previous = {}, 0.0
    for name in FILE_NAMES:
        mark = phases.get(name, previous)
        result[name] = mark - previous
        previous = mark
    result["indexes"] = total - previous
    return result


def report(
    extract: Extract,
    generated_s: float,
    imports: list[ImportRun],
    floors: list[FloorRun],
    zipped: tuple[float, ImportRun] | None,
    conversion: tuple[dict[str, float], dict[str, float]],
    machine_lines: list[str],
) -> bool:
    import_s = statistics.median(run.seconds for run in imports)
    floor_s = statistics.median(run.seconds for run in floors)
    ratio = import_s / floor_s
    ratio_ok, time_ok = ratio <= GOAL_RATIO, import_s < GOAL_SECONDS
    if zipped:
        time_ok = time_ok and zipped[1].seconds < GOAL_SECONDS

    print()
    print(f"Enterprise register import benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for text in machine_lines:
        print(f"  {text}")
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(extract.by_kind.items()))
    rows = ", ".join(f"{name} {n:,}" for name, n in extract.rows.items())
    print(f"  extract: {extract.enterprises:,} enterprises ({kinds})")
    print(
        f"  rows: {rows}; {extract.bytes / 2**20:,.0f} MiB of CSV; generated in {generated_s:.1f} s"
    )
    print()

    columns = (*FILE_NAMES, "indexes")
    header = f"{'seconds':<40}" + "".join(f"{n:>13}" for n in (*FILE_NAMES, "indexes+swap"))
    header += f"{'total':>9}"
    print(header)
    print("-" * len(header))

    def line(label: str, parts: dict[str, float], total: float | None) -> None:
        cells = "".join(f"{parts[name]:>13.1f}" if name in parts else " " * 13 for name in columns)
        print(f"{label:<40}{cells}{'' if total is None else f'{total:>9.1f}'}")

    floor_parts = [_per_file(run.phases, run.seconds) for run in floors]
    import_parts = [_per_file(run.phases, run.seconds) for run in imports]
    for i, (floor, imported) in enumerate(zip(floors, imports, strict=True)):
        first = ("floor", floor.seconds, floor_parts[i])
        second = ("import", imported.seconds, import_parts[i])
        for kind, seconds, parts in (first, second) if i % 2 == 0 else (second, first):
            if kind == "floor":
                label = "floor: COPY csv + indexes"
            else:
                label = "import_kbo folder" + (", replacing" if i > 0 else ", fresh db")
            line(f"{label}, run {i + 1}", parts, seconds)
    if zipped:
        zip_parts = _per_file(zipped[1].phases, zipped[1].seconds)
        line("import_kbo official zip, replacing", zip_parts, zipped[1].seconds)
    parsing, converting = conversion
    line("Python csv.reader alone (no DB)", parsing, sum(parsing.values()))
    line("Python read_rows alone (no DB)", converting, sum(converting.values()))
    print("(each file's COPY, from the command's progress lines at 0.1 s; indexes+swap: the rest)")
    print()

    def row(label: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        print(f"{label:<56}{value:>10}  {goal:<9}{'' if ok is None else verdict(ok)}".rstrip())

    def median_of(parts: list[dict[str, float]], names: Sequence[str]) -> float:
        return statistics.median(sum(p[name] for name in names) for p in parts)

    pairs = ", ".join(f"{i.seconds / f.seconds:.2f}" for i, f in zip(imports, floors, strict=True))
    row("import_kbo from the folder, median (s)", f"{import_s:.1f}", "< 300 s", time_ok)
    row("floor: COPY csv + the same indexes, median (s)", f"{floor_s:.1f}")
    row(f"ratio import / floor (per run: {pairs})", f"{ratio:.2f}", "≤ 2.00", ratio_ok)
    if zipped:
        ok = zipped[1].seconds < GOAL_SECONDS
        row("import_kbo from the official zip (s)", f"{zipped[1].seconds:.1f}", "< 300 s", ok)
        row("  zipping the files (s, not part of the import)", f"{zipped[0]:.1f}")
    copy_i, copy_f = median_of(import_parts, FILE_NAMES), median_of(floor_parts, FILE_NAMES)
    index_i, index_f = median_of(import_parts, ["indexes"]), median_of(floor_parts, ["indexes"])
    python_s = sum(converting.values())
    row("COPY phase: import / floor (median s)", f"{copy_i:.1f} / {copy_f:.1f}")
    row("  ratio", f"{copy_i / copy_f:.2f}")
    row("index phase (+ swap): import / floor (median s)", f"{index_i:.1f} / {index_f:.1f}")
    row("  ratio", f"{index_i / index_f:.2f}")
    row("Python read_rows alone / import COPY phase", f"{python_s / copy_i:.2f}")
    row("  of which csv.reader alone / import COPY phase", f"{sum(parsing.values()) / copy_i:.2f}")
    print()
    ok = ratio_ok and time_ok
    print("All goals met." if ok else "Some goals are NOT met.")
    return ok


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_common_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3, help="floor and import runs (3)")
    parser.add_argument(
        "--no-zip", dest="zip", action="store_false", help="do not time an import from the zip"
    )
    args = parser.parse_args(argv)
    if args.enterprises < 1 or args.repeat < 1:
        parser.error("--enterprises and --repeat must be at least 1")
    return args


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--enterprises", type=int, default=2_000_000, help="enterprises in the extract (2000000)"
    )
    parser.add_argument("--seed", type=int, default=1394, help="random seed of the data")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL URL of a database to connect to while creating the bench database",
    )


def run(args: argparse.Namespace, url: str, work: Path) -> bool:
    from django.db import connections

    try:
        with psycopg.connect(url, autocommit=True) as raw:
            started = time.perf_counter()
            extract = generate(work / "extract", enterprises=args.enterprises, seed=args.seed)
            generated_s = time.perf_counter() - started
            print(f"  extract generated in {generated_s:.1f} s: {extract.rows}")
            indexes = floor_indexes(raw)
            if len(indexes) != count_indexes(raw, "public", list(REGISTER_TABLES.values())):
                raise BenchError("the floor does not restate every register index")
            imports: list[ImportRun] = []
            floors: list[FloorRun] = []
            for repeat in range(args.repeat):
                order = ("floor", "import") if repeat % 2 == 0 else ("import", "floor")
                for which in order:
                    checkpoint(raw)
                    if which == "floor":
                        floor = run_floor(url, extract.folder, indexes)
                        if floor.rows != extract.rows:
                            raise BenchError(f"floor loaded {floor.rows}, not {extract.rows}")
                        floors.append(floor)
                        seconds = floor.seconds
                    else:
                        imported = run_import(extract.folder)
                        verify_import(raw, extract, len(indexes), f"import run {repeat + 1}")
                        imports.append(imported)
                        seconds = imported.seconds
                    print(f"  run {repeat + 1}, {which:<6}: {seconds:6.1f} s")
            zipped = None
            if args.zip:
                started = time.perf_counter()
                archive = zip_extract(extract, work / "KboOpenData_0136_2025_05_Full.zip")
                zip_s = time.perf_counter() - started
                checkpoint(raw)
                imported = run_import(archive)
                verify_import(raw, extract, len(indexes), "import from the zip")
                zipped = (zip_s, imported)
                print(
                    f"  zip ({archive.stat().st_size / 2**20:,.0f} MiB, {zip_s:.1f} s), "
                    f"import: {imported.seconds:6.1f} s"
                )
            conversion = conversion_seconds(extract.folder)
            return report(extract, generated_s, imports, floors, zipped, conversion, machine(raw))
    finally:
        connections.close_all()


@dataclass
class BenchDatabase:
    """A throwaway database and a temporary directory; Django set up on them."""

    server: str
    keep: bool
    name: str = field(default_factory=lambda: f"ios_bench_{secrets.token_hex(4)}")

    @property
    def url(self) -> str:
        return database_url(self.server, self.name)


def with_bench_database(
    args: argparse.Namespace, body: Callable[[str, Path], bool], what: str
) -> int:
    """Create the database and the temporary directory, run `body`, drop and remove both."""
    bench = BenchDatabase(args.server, args.keep_db)
    print(f"bench database {bench.name}: {what}")
    # The import queues a Celery task on commit: keep it in the temporary directory.
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    create_database(args.server, bench.name)
    try:
        with tempfile.TemporaryDirectory(prefix="ios_bench_") as work:
            setup_django(bench.url, Path(work))
            return 0 if body(bench.url, Path(work)) else 1
    finally:
        if bench.keep:
            print(f"bench database {bench.name} kept (--keep-db)")
        else:
            _close_django()
            drop_database(args.server, bench.name)
            print(f"bench database {bench.name} dropped")


def _close_django() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return with_bench_database(
        args, lambda url, work: run(args, url, work), f"{args.enterprises:,} enterprises"
    )


if __name__ == "__main__":
    sys.exit(main())
