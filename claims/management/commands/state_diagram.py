from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from claims.states import TRANSITIONS, mermaid_diagram

HEADER = """# The claim state machine

Generated from `claims/states.py` by `python manage.py state_diagram --write`; a test fails when
this file differs from the declared machine. Each arrow is `transition (who may do it)`.

"""


def diagram_document() -> str:
    rows = "\n".join(
        f"| `{t.name}` | {', '.join(sorted(s.value for s in t.sources))} | {t.target.value} "
        f"| {', '.join(sorted(a.value for a in t.actors))} | {t.description} |"
        for t in TRANSITIONS.values()
    )
    table = "| transition | from | to | who | meaning |\n|---|---|---|---|---|\n" + rows
    return f"{HEADER}```mermaid\n{mermaid_diagram()}```\n\n{table}\n"


class Command(BaseCommand):
    help = "Print (or --write to docs/state-machine.md) the diagram of the claim state machine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        document = diagram_document()
        if options["write"]:
            path = Path(settings.BASE_DIR) / "docs" / "state-machine.md"
            path.write_text(document)
            self.stdout.write(f"Wrote {path}")
        else:
            self.stdout.write(document)
