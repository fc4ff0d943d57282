"""Uploaded documents: PDF, PNG or JPEG sniffed from the content, at most 10 MB, private."""

import hashlib
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import ClaimDocument, ClaimEvent
from creditors.models import User
from tests.conftest import World

if TYPE_CHECKING:  # the stubs name the test client's response type; Django does not export it
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _upload(
    world: World, user: User, code: str, name: str, content: bytes, kind: str = "invoice"
) -> "TestResponse":
    client = world.client_for(user)
    return client.post(
        f"/api/v1/claims/{code}/documents",
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "expected"), [(PDF, "application/pdf"), (PNG, "image/png"),
                                                   (JPEG, "image/jpeg")])  # fmt: skip
def test_upload_sniffs_the_type_and_stores_the_hash(
    world: World, content: bytes, expected: str
) -> None:
    claim = world.draft()
    response = _upload(world, world.member, claim.code, "invoice.bin", content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == expected
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert ClaimEvent.objects.filter(claim=claim, name="document_added").count() == 1


@pytest.mark.django_db
def test_a_text_file_named_pdf_is_refused_and_nothing_is_stored(world: World) -> None:
    claim = world.draft()
    response = _upload(world, world.owner, claim.code, "evil.pdf", b"#!/bin/sh\necho hi\n")
    assert response.status_code == 400
    assert response.json() == {"file": ["Only PDF, PNG or JPEG files are accepted."]}
    assert ClaimDocument.objects.count() == 0


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(world: World, settings: object) -> None:
    settings.CLAIM_DOCUMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    claim = world.draft()
    response = _upload(world, world.owner, claim.code, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "file" in response.json()
    assert ClaimDocument.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_kind_is_a_400_naming_the_field(world: World) -> None:
    claim = world.draft()
    response = _upload(world, world.owner, claim.code, "a.pdf", PDF, kind="selfie")
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


@pytest.mark.django_db
def test_a_creditor_cannot_upload_the_debtors_answer_form(world: World) -> None:
    claim = world.draft()
    response = _upload(world, world.owner, claim.code, "a.pdf", PDF, kind="answer_form")
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


@pytest.mark.django_db
def test_read_only_member_cannot_upload(world: World) -> None:
    claim = world.draft()
    assert _upload(world, world.read_only, claim.code, "a.pdf", PDF).status_code == 403
    assert ClaimDocument.objects.count() == 0


@pytest.mark.django_db
def test_download_only_through_the_access_check(world: World) -> None:
    claim = world.draft()
    document_id = _upload(world, world.owner, claim.code, "a.pdf", PDF).json()["id"]
    for path in (
        f"/api/v1/claims/{claim.code}/documents/{document_id}",
        f"/claims/{claim.code}/documents/{document_id}/",
    ):
        response = world.client_for(world.read_only).get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
        assert world.client_for(world.outsider).get(path).status_code == 404
        assert world.client_for(world.bailiff).get(path).status_code == 404


@pytest.mark.django_db
def test_stored_file_is_not_under_a_public_url(world: World, settings: object) -> None:
    claim = world.draft()
    _upload(world, world.owner, claim.code, "a.pdf", PDF)
    document = ClaimDocument.objects.get()
    assert document.file.name is not None
    assert document.file.name.startswith(f"claims/{world.account.pk}/")
    assert "a.pdf" not in document.file.name
    assert world.client_for(world.owner).get("/media/" + document.file.name).status_code == 404
