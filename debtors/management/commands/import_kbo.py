import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from debtors.kbo_import import KboImportError, describe, kbo_import


class Command(BaseCommand):
    help = "Import a KBO/BCE Open Data extract (the official zip or an unpacked folder)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(name: str, rows: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {name}: {rows:,} rows ({elapsed:.1f} s)")

        try:
            extract = kbo_import(options["path"], progress=progress)
        except KboImportError as exc:
            raise CommandError(f"Import failed, the register is unchanged: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(describe(extract)))
