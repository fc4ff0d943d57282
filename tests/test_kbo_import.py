"""import_kbo: the sample loads, broken extracts change nothing, updates apply in order."""

import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims import eligibility
from claims.models import Claim, ClaimEvent
from claims.states import State
from debtors.classification import classify_form, classify_situation
from debtors.kbo_import import KboImportError, kbo_import
from debtors.models import (
    Classification,
    CodeOverride,
    Denomination,
    Enterprise,
    RegisterAddress,
    RegisterCode,
    RegisterExtract,
)
from debtors.selectors import register_lookup
from tests.conftest import SAMPLE_REGISTER, World

# The fixtures of the sample and the verdict each must give (its README says which is which).
EXPECTED = {
    "0999000129": ("ineligible", ["debtor_bankrupt"]),
    "0999000228": ("ineligible", ["debtor_reorganisation"]),
    "0999000327": ("review", ["debtor_dissolution"]),
    "0999000426": ("ineligible", ["debtor_address_missing"]),
    "0999000525": ("ineligible", ["debtor_public_body"]),
    "0999000624": ("review", ["debtor_form_unknown"]),
    "0999000723": ("eligible", []),
    "0999000822": ("eligible", []),
    "0999000921": ("eligible", []),
    "0999001020": ("eligible", []),
    "0999001119": ("eligible", []),
    "0200245711": ("review", ["debtor_situation_unknown", "debtor_form_unknown"]),  # code 012
    "0200420608": ("ineligible", ["debtor_public_body"]),  # 124: public institution
    "0200065765": ("review", ["debtor_form_unknown"]),  # 416 is not described in the sample
}


def verdicts() -> dict[str, tuple[str, list[str]]]:
    results = {}
    for number in EXPECTED:
        facts = eligibility.ClaimFacts(
            creditor_country="BE",
            creditor_number="0999000822",
            debtor_country="BE",
            debtor_number=number,
            invoices=[eligibility.InvoiceFacts("F1", date(2026, 1, 1), Decimal("100.00"))],
            on=date(2026, 6, 1),
        )
        verdict = eligibility.eligibility_check(facts=facts)
        results[number] = (verdict.verdict, [reason.code for reason in verdict.reasons])
    return results


def _copy_sample(tmp_path: Path) -> Path:
    target = tmp_path / "extract"
    shutil.copytree(SAMPLE_REGISTER, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.django_db
def test_the_sample_imports_and_its_fixtures_give_the_expected_verdicts() -> None:
    extract = kbo_import(SAMPLE_REGISTER)
    assert extract.kind == "full"
    assert extract.snapshot_date == date(2025, 5, 30)
    assert extract.rows == {
        "code.csv": 50,
        "enterprise.csv": 21,
        "denomination.csv": 24,
        "address.csv": 20,
    }
    assert Enterprise.objects.count() == 21
    assert verdicts() == EXPECTED


@pytest.mark.django_db
def test_the_official_zip_form_imports_too(tmp_path: Path) -> None:
    archive = tmp_path / "KboOpenData_0136_2025_06_Full.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in SAMPLE_REGISTER.glob("*.csv"):
            zipped.write(file, file.name)
    kbo_import(archive)
    entry = register_lookup("0999000723")
    assert entry is not None
    assert entry.name == "Fixture Schrijnwerkerij Gent"
    assert entry.seat is not None and entry.seat.postal_code == "9000"


@pytest.mark.django_db
def test_the_command_prints_progress_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_kbo", str(SAMPLE_REGISTER))
    out = capsys.readouterr().out
    assert "enterprise: 21 rows" in out
    assert "full extract of 30-05-2025 imported in" in out
    assert "enterprise.csv: 21" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "old", "new", "line"),
    [
        ("enterprise.csv", "01-01-2018", "31-02-2018", 18),  # an impossible date
        ("address.csv", '"0999.000.723","REGO"', '"0999.000.72","REGO"', 17),  # a short number
        ("enterprise.csv", '"0999.000.822","AC"', '"0999.000.8X2","AC"', 19),  # not a digit
        ("denomination.csv", '"0999.000.921","1","001",', '"0999.000.921","1",', 23),
    ],
)
def test_a_broken_extract_leaves_the_register_intact_and_names_file_and_line(
    tmp_path: Path, file: str, old: str, new: str, line: int
) -> None:
    kbo_import(SAMPLE_REGISTER)
    before = (
        Enterprise.objects.count(),
        Denomination.objects.count(),
        RegisterAddress.objects.count(),
        RegisterCode.objects.count(),
    )
    broken = _copy_sample(tmp_path)
    _edit(broken / file, old, new)
    _edit(broken / "meta.csv", "30-05-2025", "30-06-2025")
    with pytest.raises(KboImportError) as error:
        kbo_import(broken)
    assert error.value.file == file
    assert error.value.line == line
    assert (
        Enterprise.objects.count(),
        Denomination.objects.count(),
        RegisterAddress.objects.count(),
        RegisterCode.objects.count(),
    ) == before
    assert RegisterExtract.objects.count() == 1
    assert verdicts() == EXPECTED


@pytest.mark.django_db
def test_the_command_reports_a_broken_extract(tmp_path: Path) -> None:
    broken = _copy_sample(tmp_path)
    (broken / "address.csv").unlink()
    with pytest.raises(CommandError, match=r"register is unchanged: address.csv"):
        call_command("import_kbo", str(broken))
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_renumbered_codes_give_the_same_verdicts(tmp_path: Path) -> None:
    """Classification reads descriptions, never code numbers."""
    renumbered = _copy_sample(tmp_path)
    for file in ("code.csv", "enterprise.csv"):
        text = (renumbered / file).read_text()
        for old, new in {
            '"901"': '"517"',
            '"902"': '"518"',
            '"903"': '"519"',
            '"124"': '"777"',
            '"301"': '"778"',
            '"610"': '"611"',
        }.items():
            text = text.replace(old, new)
        (renumbered / file).write_text(text)
    kbo_import(SAMPLE_REGISTER)
    first = verdicts()
    kbo_import(renumbered)
    assert Enterprise.objects.get(number="0999.000.129").juridical_situation == "517"
    assert verdicts() == first == EXPECTED


@pytest.mark.django_db
def test_an_update_applies_deletes_before_inserts(tmp_path: Path) -> None:
    kbo_import(SAMPLE_REGISTER)
    update = tmp_path / "update"
    update.mkdir()
    (update / "meta.csv").write_text(
        '"Variable","Value"\n"SnapshotDate","02-06-2025"\n"ExtractType","update"\n'
        '"ExtractNumber","137"\n'
    )
    # The Ghent joinery goes bankrupt: its row is deleted and inserted anew.
    (update / "enterprise_delete.csv").write_text('"EntityNumber"\n"0999.000.723"\n')
    (update / "enterprise_insert.csv").write_text(
        '"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise","JuridicalForm",'
        '"JuridicalFormCAC","StartDate"\n"0999.000.723","AC","901","2","610",,01-01-2018\n'
    )
    (update / "denomination_delete.csv").write_text('"EntityNumber"\n"0999.000.822"\n')
    (update / "denomination_insert.csv").write_text(
        '"EntityNumber","Language","TypeOfDenomination","Denomination"\n'
        '"0999.000.822","1","001","Menuiserie Namur Renamed"\n'
    )
    extract = kbo_import(update)
    assert extract.kind == "update"
    assert extract.rows == {
        "enterprise_delete.csv": 1,
        "enterprise_insert.csv": 1,
        "denomination_delete.csv": 1,
        "denomination_insert.csv": 1,
    }
    assert Enterprise.objects.count() == 21
    assert verdicts()["0999000723"] == ("ineligible", ["debtor_bankrupt"])
    entry = register_lookup("0999000822")
    assert entry is not None and entry.name == "Menuiserie Namur Renamed"
    assert Denomination.objects.filter(entity_number="0999.000.822").count() == 1


@pytest.mark.django_db
def test_an_override_wins_over_the_description() -> None:
    kbo_import(SAMPLE_REGISTER)
    assert verdicts()["0999000624"] == ("review", ["debtor_form_unknown"])
    CodeOverride.objects.create(
        category="JuridicalForm", code="999", classification=Classification.PRIVATE, note="GmbH"
    )
    assert verdicts()["0999000624"] == ("eligible", [])


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Opening faillissement", "Ouverture de faillite"], Classification.BANKRUPT),
        (["Gerechtelijke reorganisatie"], Classification.REORGANISATION),
        (["Vrijwillige ontbinding - vereffening"], Classification.DISSOLUTION),
        (["Dissolution judiciaire"], Classification.DISSOLUTION),
        (["Normale toestand", "Situation normale"], Classification.NORMAL),
        (["Juridische oprichting"], Classification.NORMAL),
        (["Prorogation"], Classification.NORMAL),
        (["Iets onbekends"], Classification.UNKNOWN),
        ([], Classification.UNKNOWN),
    ],
)
def test_situations_are_read_from_their_descriptions(
    texts: list[str], expected: Classification
) -> None:
    assert classify_situation(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Openbare instelling", "Etablissement public"], Classification.PUBLIC_BODY),
        (["Federale overheidsdienst"], Classification.PUBLIC_BODY),
        (["Gemeente"], Classification.PUBLIC_BODY),
        (["Besloten vennootschap", "Société à responsabilité limitée"], Classification.PRIVATE),
        (
            ["Naamloze vennootschap die een openbaar beroep doet op het spaarwezen"],
            Classification.PRIVATE,
        ),
        ([], Classification.UNKNOWN),
    ],
)
def test_forms_are_read_from_their_descriptions(texts: list[str], expected: Classification) -> None:
    assert classify_form(texts) == expected


@pytest.mark.django_db
def test_after_an_import_open_claims_are_rechecked(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: object
) -> None:
    kbo_import(SAMPLE_REGISTER)
    open_claim = world.claim_in(State.SUMMONS_SERVED)  # debtor 0999.000.723 (Ghent)
    served = world.claim_in(State.WITH_BAILIFF)
    paid = world.claim_in(State.PAID)  # closed: left alone
    changed = _copy_sample(tmp_path)
    _edit(changed / "enterprise.csv", '"0999.000.723","AC","000"', '"0999.000.723","AC","901"')
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        kbo_import(changed)
    for claim in (open_claim, served):
        assert Claim.objects.get(pk=claim.pk).state == State.DEBTOR_INSOLVENT
        event = ClaimEvent.objects.get(claim=claim, name="debtor_insolvent")
        assert event.actor_kind == "system" and "bankrupt" in event.reason
    assert Claim.objects.get(pk=paid.pk).state == State.PAID


@pytest.mark.django_db
def test_a_debtor_in_dissolution_flags_its_claims_once(world: World, tmp_path: Path) -> None:
    from claims.services import claims_recheck_debtors

    kbo_import(SAMPLE_REGISTER)
    claim = world.claim_in(State.WITH_BAILIFF)
    changed = _copy_sample(tmp_path)
    _edit(changed / "enterprise.csv", '"0999.000.723","AC","000"', '"0999.000.723","AC","903"')
    extract = kbo_import(changed)
    assert claims_recheck_debtors(extract_id=extract.pk) == {"stopped": 0, "flagged": 1}
    assert claims_recheck_debtors(extract_id=extract.pk) == {"stopped": 0, "flagged": 0}
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.state == State.WITH_BAILIFF
    assert stored.review_flag == "debtor_dissolution"
    assert ClaimEvent.objects.filter(claim=claim, name="flagged_for_review").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgres_a_failed_import_keeps_the_live_tables_and_their_indexes(
    tmp_path: Path,
) -> None:
    from django.db import connection

    kbo_import(SAMPLE_REGISTER)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'debtors_%%' ORDER BY 1"
        )
        indexes_before = cursor.fetchall()
    broken = _copy_sample(tmp_path)
    _edit(broken / "address.csv", '"9000","Gent"', '"9000","Gent","extra"')
    with pytest.raises(KboImportError, match=r"address\.csv, line"):
        kbo_import(broken)
    kbo_import(SAMPLE_REGISTER)  # and a second full import swaps cleanly
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'debtors_%%' ORDER BY 1"
        )
        assert cursor.fetchall() == indexes_before
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE '%%__next'")
        assert cursor.fetchone() == (0,)
    assert verdicts() == EXPECTED
