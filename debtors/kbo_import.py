"""Import a KBO/BCE Open Data extract (domain.md section 6), atomically.

A full extract replaces the register: on PostgreSQL it is streamed with COPY into fresh tables,
indexed there, and swapped in by renaming in one short transaction, so readers keep the previous
register until the swap and a failure leaves it intact. On SQLite the same happens in one
transaction. An update extract applies its `_delete` files, then its `_insert` files, in one
transaction. Errors name the file and line.
"""

import csv
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import psycopg
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from debtors.models import Denomination, Enterprise, RegisterAddress, RegisterCode, RegisterExtract

Progress = Callable[[str, int], None]
PROGRESS_EVERY = 100_000
INDEX_BUILD_MEMORY = "512MB"
_SQLITE_BATCH = 2_000


class KboImportError(Exception):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}, line {line}: {message}")
        self.file, self.line = file, line


_ENTITY_NUMBER = re.compile(r"\d{4}\.\d{3}\.\d{3}|\d\.\d{3}\.\d{3}\.\d{3}")


def _entity_number(value: str) -> str:
    """An enterprise (0403.170.701) or establishment (2.123.456.789) number, as spelled."""
    if not _ENTITY_NUMBER.fullmatch(value):
        raise ValueError(f"not an entity number: {value!r}")
    return value


def _date(value: str) -> date | None:
    if not value:
        return None
    if len(value) != 10 or value[2] != "-" or value[5] != "-":
        raise ValueError(f"not a dd-mm-yyyy date: {value!r}")
    return date(int(value[6:]), int(value[3:5]), int(value[:2]))


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of the extract and how its rows become rows of a register table."""

    name: str
    model: type[Enterprise | Denomination | RegisterAddress | RegisterCode]
    header: tuple[str, ...]
    key: str  # the column a `_delete` file names
    with_id: bool  # tables without a natural key get sequential ids

    def convert(self, row: list[str]) -> tuple[Any, ...]:
        if len(row) != len(self.header):
            raise ValueError(f"expected {len(self.header)} columns, found {len(row)}")
        number = _entity_number(row[0]) if self.name != "code" else row[0]
        texts = [value or None for value in row[1:]]  # empty is NULL, as COPY reads it
        if self.name == "enterprise":
            return (number, *texts[:5], _date(row[6]))
        if self.name == "address":
            return (number, *texts[:11], _date(row[12]))
        return (number, *texts)

    @property
    def columns(self) -> list[str]:
        return [str(f.column) for f in self.model._meta.concrete_fields]


FILES: tuple[FileSpec, ...] = (
    FileSpec("code", RegisterCode, ("Category", "Code", "Language", "Description"),
             "Category", with_id=True),
    FileSpec("enterprise", Enterprise, ("EnterpriseNumber", "Status", "JuridicalSituation",
             "TypeOfEnterprise", "JuridicalForm", "JuridicalFormCAC", "StartDate"),
             "EnterpriseNumber", with_id=False),
    FileSpec("denomination", Denomination, ("EntityNumber", "Language", "TypeOfDenomination",
             "Denomination"), "EntityNumber", with_id=True),
    FileSpec("address", RegisterAddress, ("EntityNumber", "TypeOfAddress", "CountryNL",
             "CountryFR", "Zipcode", "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR",
             "HouseNumber", "Box", "ExtraAddressInfo", "DateStrikingOff"),
             "EntityNumber", with_id=True),
)  # fmt: skip


class Source:
    """An extract as the official zip or an unpacked folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        if self.zip is None and not path.is_dir():
            raise KboImportError(str(path), 0, "no such zip file or folder")
        names = self.zip.namelist() if self.zip else [p.name for p in path.iterdir()]
        self.names = {Path(n).name.lower(): n for n in names}

    def has(self, name: str) -> bool:
        return f"{name}.csv" in self.names

    @contextmanager
    def open_bytes(self, name: str) -> Iterator[IO[bytes]]:
        member = self.names.get(f"{name}.csv")
        if member is None:
            raise KboImportError(f"{name}.csv", 0, "missing from the extract")
        if self.zip is not None:
            with self.zip.open(member) as raw:
                yield raw
        else:
            with (self.path / member).open("rb") as handle:
                yield handle

    @contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        member = self.names.get(f"{name}.csv")
        if member is None:
            raise KboImportError(f"{name}.csv", 0, "missing from the extract")
        if self.zip is not None:
            with self.zip.open(member) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        else:
            with (self.path / member).open(encoding="utf-8-sig", newline="") as handle:
                yield handle


@dataclass
class Meta:
    kind: str
    snapshot_date: date
    extract_number: str


def read_meta(source: Source) -> Meta:
    with source.open("meta") as handle:
        values = {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}
    kind = values.get("ExtractType", "").lower()
    if kind not in {"full", "update"}:
        raise KboImportError("meta.csv", 0, f"ExtractType must be full or update, not {kind!r}")
    try:
        snapshot = _date(values.get("SnapshotDate", ""))
    except ValueError as exc:
        raise KboImportError("meta.csv", 0, str(exc)) from exc
    if snapshot is None:
        raise KboImportError("meta.csv", 0, "SnapshotDate is missing")
    return Meta(kind, snapshot, values.get("ExtractNumber", ""))


def read_rows(
    source: Source, spec: FileSpec, name: str, progress: Progress, first_id: int = 1
) -> Iterator[tuple[Any, ...]]:
    """The file's rows converted for the table, with an id where the table needs one."""
    with source.open(name) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != spec.header:
            raise KboImportError(f"{name}.csv", 1, f"unexpected header {header!r}")
        next_id = first_id
        for row in reader:
            try:
                converted = spec.convert(row)
            except ValueError as exc:
                raise KboImportError(f"{name}.csv", reader.line_num, str(exc)) from exc
            if spec.with_id:
                converted = (next_id, *converted)
                next_id += 1
            count = next_id - first_id if spec.with_id else reader.line_num - 1
            if count % PROGRESS_EVERY == 0:
                progress(name, count)
            yield converted


@dataclass
class Summary:
    kind: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def kbo_import(path: Path, *, progress: Progress = lambda name, n: None) -> RegisterExtract:
    """Import the extract at `path` (zip or folder) and return the extract row."""
    started = time.monotonic()
    source = Source(path)
    meta = read_meta(source)
    rows = _load_full(source, progress) if meta.kind == "full" else _apply_update(source, progress)
    extract = RegisterExtract.objects.create(
        kind=meta.kind,
        snapshot_date=meta.snapshot_date,
        extract_number=meta.extract_number,
        imported_at=timezone.now(),
        seconds=round(time.monotonic() - started, 3),
        rows=rows,
    )
    from debtors.tasks import recheck_open_claims

    extract_id = extract.pk
    transaction.on_commit(lambda: recheck_open_claims.delay(extract_id))
    return extract


# --- full extracts --------------------------------------------------------------------------


def _load_full(source: Source, progress: Progress) -> dict[str, int]:
    if connection.vendor == "postgresql":
        return _load_full_postgres(source, progress)
    with transaction.atomic():
        counts = {}
        for spec in FILES:
            spec.model.objects.all().delete()
            rows = read_rows(source, spec, spec.name, progress)
            counts[f"{spec.name}.csv"] = _insert_batches(spec, rows)
            progress(spec.name, counts[f"{spec.name}.csv"])
        return counts


def _insert_batches(spec: FileSpec, rows: Iterator[tuple[Any, ...]]) -> int:
    table = spec.model._meta.db_table
    columns = spec.columns
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= _SQLITE_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy(spec: FileSpec, table: str, rows: Iterator[tuple[Any, ...]]) -> int:
    columns = ", ".join(spec.columns)
    raw = connection.connection
    assert raw is not None
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _load_full_postgres(source: Source, progress: Progress) -> dict[str, int]:
    """One transaction: fresh tables are loaded by COPY, indexed, then swapped in by renaming.

    The files go straight into the fresh tables (PostgreSQL parses the CSV and the dd-mm-yyyy
    dates itself), so the load costs about what a plain COPY does. Readers keep the old tables
    until the swap at the very end; any failure rolls everything back.
    """
    tables = [spec.model._meta.db_table for spec in FILES]
    counts: dict[str, int] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL DateStyle = 'ISO, DMY'")
            cursor.execute("DROP SEQUENCE IF EXISTS pg_temp.kbo_row_ids")
            cursor.execute("CREATE TEMP SEQUENCE kbo_row_ids")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}__next")
                cursor.execute(
                    f"CREATE TABLE {table}__next (LIKE {table} INCLUDING DEFAULTS INCLUDING "
                    "CONSTRAINTS)"
                )
        for spec in FILES:
            counts[f"{spec.name}.csv"] = _copy_file(source, spec, progress)
            progress(spec.name, counts[f"{spec.name}.csv"])
        indexes = {table: _index_definitions(table) for table in tables}
        with connection.cursor() as cursor:
            # Index builds sort millions of keys: give this transaction's sorts room in memory.
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            for table in tables:
                _build_indexes(table, indexes[table])
                # Fresh tables have no statistics: without them the planner scans millions of
                # rows for a lookup (measured 30-50x slower checks right after an import).
                cursor.execute(f"ANALYZE {table}__next")
        _swap(tables, indexes)
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE pg_temp.kbo_row_ids")
    return counts


# What a COPY checks on its way in, besides the types: the shape of the numbers. A cheap
# length test for every file, and no letters in the enterprise numbers.
_NUMBER_CHECKS = {
    "enterprise": "length(number) = 12 AND translate(number, '0123456789', '') = '..'",
    "denomination": "length(entity_number) IN (12, 13)",
    "address": "length(entity_number) IN (12, 13)",
}


def _copy_file(source: Source, spec: FileSpec, progress: Progress) -> int:
    """COPY one file, its header checked and skipped, into its `__next` table."""
    name, table = f"{spec.name}.csv", f"{spec.model._meta.db_table}__next"
    columns = [c for c in spec.columns if c != "id"] if spec.with_id else spec.columns
    with connection.cursor() as cursor:
        if spec.with_id:  # ids in file order, from a sequence of this import only
            cursor.execute(
                f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('kbo_row_ids')"
            )
        if spec.name in _NUMBER_CHECKS:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT kbo_number CHECK "
                           f"({_NUMBER_CHECKS[spec.name]})")  # fmt: skip
    assert connection.connection is not None
    with source.open_bytes(spec.name) as handle:
        header = next(csv.reader([handle.readline().decode("utf-8-sig")]), None)
        if header is None or tuple(header) != spec.header:
            raise KboImportError(name, 1, f"unexpected header {header!r}")
        lines = 0
        try:
            with connection.connection.cursor() as cursor:
                statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
                with cursor.copy(statement) as copy:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
                        before, lines = lines, lines + chunk.count(b"\n")
                        if before // PROGRESS_EVERY != lines // PROGRESS_EVERY:
                            progress(spec.name, lines)
                count = cursor.rowcount  # known once the COPY has finished
        except (DatabaseError, psycopg.Error) as exc:
            raise _located(name, exc) from exc
    with connection.cursor() as cursor:
        if spec.with_id:
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
        if spec.name in _NUMBER_CHECKS:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT kbo_number")
    return count


def _located(name: str, exc: Exception) -> KboImportError:
    """The file and line PostgreSQL stopped at (its COPY counts lines after the header)."""
    diag = getattr(exc, "diag", None)
    context = getattr(diag, "context", None) or str(exc)
    found = re.search(r"line (\d+)", context)
    line = int(found.group(1)) + 1 if found else 0
    message = getattr(diag, "message_primary", None) or str(exc)
    if "kbo_number" in message:
        value = re.search(r'line \d+: "([^"]*)', context)
        message = f"not an entity number in {value.group(1)!r}" if value else "not an entity number"
    return KboImportError(name, line, message)


def _index_definitions(table: str) -> list[tuple[str, str, bool]]:
    """(name, definition, is the primary key) of the live table's indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef, c.contype = 'p'
            FROM pg_indexes i
            LEFT JOIN pg_constraint c ON c.conname = i.indexname
            WHERE i.schemaname = current_schema() AND i.tablename = %s
            """,
            [table],
        )
        return [(name, definition, bool(primary)) for name, definition, primary in cursor]


def _build_indexes(table: str, definitions: list[tuple[str, str, bool]]) -> None:
    with connection.cursor() as cursor:
        for name, definition, primary in definitions:
            statement = definition.replace(f" ON {table} ", f" ON {table}__next ", 1)
            statement = statement.replace(f" ON public.{table} ", f" ON public.{table}__next ", 1)
            statement = statement.replace(f"INDEX {name} ", f"INDEX {name}__next ", 1)
            cursor.execute(statement)
            if primary:
                cursor.execute(
                    f"ALTER TABLE {table}__next ADD CONSTRAINT {name}__next "
                    f"PRIMARY KEY USING INDEX {name}__next"
                )


def _swap(tables: list[str], indexes: dict[str, list[tuple[str, str, bool]]]) -> None:
    """Put the new tables in place of the old ones (inside the import's transaction)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(f"ALTER TABLE {table}__next RENAME TO {table}")
            for name, _definition, _primary in indexes[table]:
                cursor.execute(f"ALTER INDEX {name}__next RENAME TO {name}")


# --- update extracts ------------------------------------------------------------------------


def _apply_update(source: Source, progress: Progress) -> dict[str, int]:
    counts: dict[str, int] = {}
    with transaction.atomic():
        for spec in FILES:
            if source.has(f"{spec.name}_delete"):
                counts[f"{spec.name}_delete.csv"] = _apply_deletes(source, spec)
            if source.has(f"{spec.name}_insert"):
                name = f"{spec.name}_insert"
                first_id = _next_id(spec)
                rows = read_rows(source, spec, name, progress, first_id=first_id)
                if connection.vendor == "postgresql":
                    counts[f"{name}.csv"] = _copy(spec, spec.model._meta.db_table, rows)
                else:
                    counts[f"{name}.csv"] = _insert_batches(spec, rows)
                progress(name, counts[f"{name}.csv"])
    return counts


def _next_id(spec: FileSpec) -> int:
    if not spec.with_id:
        return 1
    latest = spec.model.objects.aggregate(top=models.Max("pk"))["top"]
    return int(latest or 0) + 1


def _apply_deletes(source: Source, spec: FileSpec) -> int:
    """A `_delete` file lists the keys whose rows go (every row of that entity or code)."""
    name = f"{spec.name}_delete"
    key_field = {"code": "category", "enterprise": "number"}.get(spec.name, "entity_number")
    deleted = 0
    with source.open(name) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise KboImportError(f"{name}.csv", 1, "empty file")
        keys: list[Any] = []
        for row in reader:
            try:
                keys.append(_delete_key(spec, row))
            except (ValueError, IndexError) as exc:
                raise KboImportError(f"{name}.csv", reader.line_num, str(exc)) from exc
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        if spec.name == "code":
            for category, code in chunk:
                deleted += RegisterCode.objects.filter(category=category, code=code).delete()[0]
        else:
            deleted += spec.model.objects.filter(**{f"{key_field}__in": chunk}).delete()[0]
    return deleted


def _delete_key(spec: FileSpec, row: list[str]) -> Any:
    if spec.name == "code":
        return (row[0], row[1])
    return _entity_number(row[0])


def describe(extract: RegisterExtract) -> str:
    rows = ", ".join(f"{name}: {count:,}" for name, count in extract.rows.items())
    return (
        f"{extract.kind} extract of {extract.snapshot_date:%d-%m-%Y} imported in "
        f"{extract.seconds:.1f} s ({rows})"
    )
