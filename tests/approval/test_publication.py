"""Publication: 报批稿 → 发布 by the secretariat with both dates; the published PDF has no draft label."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from drafting.approval import services
from drafting.approval.queries import publication_of
from drafting.audit.models import AuditEntry
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.documents import services as documents
from drafting.documents.states import DocumentStage
from drafting.extensions import db
from tests.approval.test_notes import pdf_text

PUBLISHED, IMPLEMENTED = date(2026, 6, 1), date(2026, 9, 1)


def test_a_plain_move_to_published_is_refused(aw):
    with pytest.raises(Refused) as refused:
        documents.transition(aw.document, DocumentStage.PUBLISHED, actor=aw.secretariat)
    assert refused.value.code == "publication_dates_required"
    # Overriding the checks does not override the dates.
    with pytest.raises(Refused):
        documents.transition(
            aw.document,
            DocumentStage.PUBLISHED,
            actor=aw.secretariat,
            override_checks=True,
            reason="急需",
        )
    assert aw.document.stage == DocumentStage.DRAFT_FOR_APPROVAL


@pytest.mark.parametrize(
    ("published", "implemented", "code"),
    [
        (None, IMPLEMENTED, "publication_dates_required"),
        (PUBLISHED, None, "publication_dates_required"),
        (PUBLISHED, date(2026, 5, 31), "implementation_before_publication"),
        (date(1999, 12, 31), IMPLEMENTED, "publication_date_range"),
    ],
)
def test_publish_needs_both_dates_in_order(aw, published, implemented, code):
    with pytest.raises(ServiceError) as error:
        services.publish(
            aw.document, published_on=published, implemented_on=implemented, actor=aw.secretariat
        )
    assert error.value.code == code
    assert aw.document.stage == DocumentStage.DRAFT_FOR_APPROVAL
    assert publication_of(aw.document) is None


def test_the_same_day_is_allowed_and_stored(aw):
    services.publish(
        aw.document, published_on=PUBLISHED, implemented_on=PUBLISHED, actor=aw.secretariat
    )
    pub = publication_of(aw.document)
    assert (pub.published_on, pub.implemented_on, pub.published_by_id) == (
        PUBLISHED,
        PUBLISHED,
        aw.secretariat.id,
    )
    assert aw.document.stage == DocumentStage.PUBLISHED
    assert aw.document.planned_published_on == PUBLISHED
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"approval.published", "document.stage_changed"} <= actions


def test_only_the_secretariat_publishes(aw):
    with pytest.raises(NotAllowed):
        services.publish(
            aw.document,
            published_on=PUBLISHED,
            implemented_on=IMPLEMENTED,
            actor=aw.main_editor,
        )


def test_the_stage_page_form_publishes_with_dates(aw, client, login_as):
    login_as(aw.secretariat)
    page = client.get(f"/documents/{aw.document.id}/stage").get_data(as_text=True)
    assert 'name="published_on"' in page and 'name="implemented_on"' in page
    url = f"/documents/{aw.document.id}/publish"
    response = client.post(url, data={"published_on": "2026-06-01"})
    assert response.status_code == 422
    assert "Give the implementation date." in response.get_data(as_text=True)
    response = client.post(url, data={"published_on": "2026-06-01", "implemented_on": "2026-05-01"})
    assert response.status_code == 422
    assert "cannot be before the publication date" in response.get_data(as_text=True)
    assert publication_of(aw.document) is None
    response = client.post(url, data={"published_on": "2026-06-01", "implemented_on": "2026-09-01"})
    assert response.status_code == 302
    db.session.expire_all()
    assert aw.document.stage == DocumentStage.PUBLISHED
    assert publication_of(aw.document).implemented_on == IMPLEMENTED
    page = client.get(f"/documents/{aw.document.id}/approval").get_data(as_text=True)
    assert "Published on 2026-06-01, implemented from 2026-09-01." in page
    assert 'data-testid="assemble-package"' not in page


def test_a_main_editor_sees_no_publish_form_and_is_refused(aw, client, login_as):
    login_as(aw.main_editor)
    page = client.get(f"/documents/{aw.document.id}/stage").get_data(as_text=True)
    assert 'name="published_on"' not in page
    assert "The secretariat publishes the standard" in page
    response = client.post(
        f"/documents/{aw.document.id}/publish",
        data={"published_on": "2026-06-01", "implemented_on": "2026-09-01"},
    )
    assert response.status_code == 403
    # The plain stage form cannot publish either.
    response = client.post(f"/documents/{aw.document.id}/stage", data={"stage": "published"})
    assert response.status_code == 409


def test_zh_messages(aw, client, login_as):
    login_as(aw.secretariat)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"
    response = client.post(
        f"/documents/{aw.document.id}/publish",
        data={"published_on": "2026-06-01", "implemented_on": "2026-05-01"},
    )
    assert "实施日期" in response.get_data(as_text=True)


def test_api_publishes_with_the_date_fields(aw, client, login_as):
    login_as(aw.secretariat)
    url = f"/api/v1/documents/{aw.document.id}/stage"
    response = client.post(url, json={"stage": "published"})
    assert response.status_code == 422 and response.json["error"] == "publication_dates_required"
    response = client.post(
        url,
        json={"stage": "published", "published_on": "2026-06-01", "implemented_on": "2026-01-01"},
    )
    assert response.json["error"] == "implementation_before_publication"
    response = client.post(url, json={"stage": "published", "published_on": "not a date"})
    assert response.status_code == 422 and "published_on" in response.json["fields"]
    response = client.post(
        url,
        json={"stage": "published", "published_on": "2026-06-01", "implemented_on": "2026-09-01"},
    )
    assert response.status_code == 200, response.json
    assert response.json["stage"] == "published"
    assert response.json["planned_implemented_on"] == "2026-09-01"


def _body_page(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    for i, page in enumerate(reader.pages):
        if "范围" in page.extract_text() and "本文件规定了" in page.extract_text():
            return i
    raise AssertionError("no body page")


ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "approval"


def _faint_pixels(pdf: bytes, page: int, name: str) -> int:
    """Faint grey pixels (the watermark is at most about 7 % black) on one page image,
    saved to tests/artifacts/approval/ to look at."""
    png = subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            str(page + 1),
            "-l",
            str(page + 1),
            "-singlefile",
            "-",
        ],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(png)
    with Image.open(io.BytesIO(png)) as image:
        histogram = image.convert("L").histogram()
    return sum(histogram[236:254])


def test_the_published_pdf_has_dates_and_no_draft_label_or_watermark(aw):
    draft = documents.export_pdf(aw.document, aw.document.head_revision)
    services.publish(
        aw.document, published_on=PUBLISHED, implemented_on=IMPLEMENTED, actor=aw.secretariat
    )
    published = documents.export_pdf(aw.document, aw.document.head_revision)
    assert published != draft
    text = pdf_text(published)
    cover = text.split("\f")[0]
    assert "2026-06-01" in cover and "2026-09-01" in cover
    assert "XXXX" not in cover
    for label in ("报批稿", "征求意见稿", "送审稿", "讨论稿"):
        assert label not in text
    assert "报批稿" in pdf_text(draft).split("\f")[0]
    # The watermark is a picture: the draft's body page has it, the published one not.
    draft_page, published_page = _body_page(draft), _body_page(published)
    assert PdfReader(io.BytesIO(draft)).pages[draft_page].images
    assert not PdfReader(io.BytesIO(published)).pages[published_page].images
    _faint_pixels(published, 0, "published-cover")
    faint_draft = _faint_pixels(draft, draft_page, "draft-body")
    faint_published = _faint_pixels(published, published_page, "published-body")
    assert faint_published * 3 < faint_draft, (faint_published, faint_draft)
