"""Saving the text: revisions, three-way merges, conflicts kept as drafts, limits."""

import pytest

from drafting.core.errors import Refused, ServiceError
from drafting.documents import services
from drafting.documents.states import DocumentStage
from tests.documents.factories import TEXT


def test_save_on_head_creates_revision(world, doc):
    head = doc.head_revision
    result = services.save_revision(
        doc, TEXT + "\n新增内容。\n", head.id, "补充", actor=world.main_editor
    )
    assert result.created and not result.merged
    assert result.revision.number == 2 and result.revision.parent_id == head.id
    assert doc.head_revision_id == result.revision.id
    assert result.revision.author_id == world.main_editor.id


def test_identical_text_makes_no_revision(world, doc):
    head = doc.head_revision
    result = services.save_revision(doc, TEXT, head.id, "", actor=world.main_editor)
    assert not result.created and result.revision.id == head.id


def test_concurrent_edits_in_different_places_merge(world, doc):
    base = doc.head_revision
    a = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业应具备相应的处理能力和场地。")
    b = TEXT.replace("处理过程应符合环保要求。", "处理过程应符合国家环保要求。")
    services.save_revision(doc, a, base.id, "A", actor=world.main_editor)
    result = services.save_revision(doc, b, base.id, "B", actor=world.main_editor2)
    assert result.created and result.merged
    assert world.main_editor.name in result.merged_authors
    text = result.revision.text
    assert "处理能力和场地" in text and "国家环保要求" in text
    assert "merged" in result.revision.message


def test_conflict_keeps_text_as_draft(world, doc, db):
    base = doc.head_revision
    a = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业应具备年处理5万吨的能力。")
    b = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业宜具备专业的处理设备。")
    services.save_revision(doc, a, base.id, "A", actor=world.main_editor)
    with pytest.raises(services.SaveConflict) as exc:
        services.save_revision(doc, b, base.id, "B", actor=world.main_editor2)
    assert exc.value.status == 409
    details = exc.value.details
    assert details["conflicts"] and "年处理5万吨" in details["conflicts"][0]["theirs"]
    assert "专业的处理设备" in details["conflicts"][0]["ours"]
    draft = services.draft_of(doc, world.main_editor2)
    assert draft.text == b and draft.base_revision_id == base.id and draft.conflicted
    assert doc.head_revision.number == 2


def test_conflict_markers_refused(world, doc):
    text = TEXT + "<<<<<<< 你的修改\na\n||||||| 原文\n=======\nb\n>>>>>>> 他人的修改\n"
    with pytest.raises(ServiceError) as exc:
        services.save_revision(doc, text, doc.head_revision_id, "", actor=world.main_editor)
    assert exc.value.status == 422 and exc.value.code == "conflict_markers"


def test_published_document_refuses_saves(world, doc):
    doc.stage = DocumentStage.PUBLISHED
    with pytest.raises(Refused):
        services.save_revision(doc, TEXT + "x", doc.head_revision_id, "", actor=world.secretariat)
    with pytest.raises(Refused):
        services.keep_draft(doc, world.secretariat, "x", doc.head_revision_id)


def test_restore_old_revision(world, doc):
    first = doc.head_revision
    services.save_revision(doc, TEXT + "\n第二版。\n", first.id, "", actor=world.main_editor)
    result = services.restore_revision(doc, first, actor=world.main_editor)
    assert result.revision.number == 3 and result.revision.text == first.text
    assert "Restored revision 1" in result.revision.message


def test_successful_save_clears_draft(world, doc, db):
    services.keep_draft(doc, world.main_editor, TEXT + "草稿", doc.head_revision_id)
    services.save_revision(doc, TEXT + "草稿", doc.head_revision_id, "", actor=world.main_editor)
    assert services.draft_of(doc, world.main_editor) is None
