"""Seed the tariffs and rates of domain.md section 3; staff edit them in the admin afterwards."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import migrations

# Commercial late-payment rates (law of 2 Aug 2002) per half-year, in percent.
COMMERCIAL = {(2016, 1): "8.50", (2023, 1): "10.50", (2023, 2): "12.00", (2024, 1): "12.50",
              (2024, 2): "12.50", (2025, 1): "11.50", (2025, 2): "10.50", (2026, 1): "10.50"}
for year in range(2016, 2023):
    for half in (1, 2):
        COMMERCIAL.setdefault((year, half), "8.00")
CIVIL = {2016: "2.25", 2017: "2.00", 2018: "2.00", 2019: "2.00", 2020: "1.75", 2021: "1.75",
         2022: "1.50", 2023: "5.25", 2024: "5.75", 2025: "4.50", 2026: "4.50"}
# Advance brackets (classes A–H of the bailiff tariff), excl. VAT: current and older version.
BOUNDS = [("0", "124.99"), ("125", "369.99"), ("370", "619.99"), ("620", "1859.99"),
          ("1860", "3719.99"), ("3720", "12399.99"), ("12400", "37199.99"), ("37200", None)]
CURRENT = ["187.54", "223.56", "259.74", "277.88", "314.06", "350.08", "386.38", "458.72"]
OLDER = ["169.27", "201.13", "233.11", "249.17", "281.15", "313.01", "345.11", "409.07"]
# The sources do not date the indexation that gave the current table: unsettled.
CURRENT_FROM = date(2024, 1, 1)
START = date(2016, 1, 1)


def half_year(year: int, half: int) -> tuple[date, date]:
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    InterestRate = apps.get_model("fees", "InterestRate")
    AdvanceBracket = apps.get_model("fees", "AdvanceBracket")
    Tariff = apps.get_model("fees", "Tariff")
    SplitRule = apps.get_model("fees", "SplitRule")
    for (year, half), rate in sorted(COMMERCIAL.items()):
        start, end = half_year(year, half)
        InterestRate.objects.create(kind="commercial", valid_from=start, valid_to=end,
                                    rate_percent=Decimal(rate))
    for year, rate in CIVIL.items():
        InterestRate.objects.create(kind="civil", valid_from=date(year, 1, 1),
                                    valid_to=date(year, 12, 31), rate_percent=Decimal(rate))
    for (low, high), old, new in zip(BOUNDS, OLDER, CURRENT, strict=True):
        common = {"min_value": Decimal(low), "max_value": Decimal(high) if high else None}
        AdvanceBracket.objects.create(valid_from=START, valid_to=CURRENT_FROM - timedelta(days=1),
                                      advance_excl_vat=Decimal(old), **common)
        AdvanceBracket.objects.create(valid_from=CURRENT_FROM, advance_excl_vat=Decimal(new),
                                      **common)
    tariffs = [
        ("file_fee", Decimal("40.00"), None, False, "Lawyer's check, inside the advance."),
        ("solvency_fee", Decimal("50.00"), None, False, "Bailiff's solvency check."),
        ("summons_cost", None, None, True,
         "Part of the advance; its own figure is not in the sources (unsettled)."),
        ("vat_rate", None, Decimal("21"), False, ""),
        ("partner_discount", None, Decimal("50"), False, "Legal-expenses insurance partners."),
        ("flat_compensation", Decimal("40.00"), None, False, "Per unpaid invoice (2 Aug 2002)."),
        ("ios_cap", None, Decimal("10"), False, "Interest + damages clause, % of principal."),
    ]
    for code, amount, rate, unsettled, note in tariffs:
        Tariff.objects.create(code=code, valid_from=START, amount=amount, rate_percent=rate,
                              unsettled=unsettled, note=note)
    for part, beneficiary in [("principal", "creditor"), ("advance", "creditor"),
                              ("interest", "platform"), ("damages", "platform"),
                              ("damages_vat", "creditor"), ("flat_compensation", "platform")]:
        SplitRule.objects.create(part=part, beneficiary=beneficiary)


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
