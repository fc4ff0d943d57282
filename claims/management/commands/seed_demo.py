from typing import Any

from django.core.management.base import BaseCommand

from claims.demo import demo_logins, seed_demo


class Command(BaseCommand):
    help = "Load demo data (an account with claims in every state, an office, staff) once."

    def handle(self, *args: Any, **options: Any) -> None:
        account, created = seed_demo()
        verb = "Created" if created else "Kept the existing"
        self.stdout.write(
            f"{verb} demo account '{account.name}' with {account.claims.count()} claims."
        )
        self.stdout.write("Demo logins:")
        for login in demo_logins():
            self.stdout.write(f"  {login.role:<24} {login.email:<22} {login.password}")
