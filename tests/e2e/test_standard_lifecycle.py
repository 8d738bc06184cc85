"""One standard from 征求意见稿 to 发布 in the browser, as the secretariat knows it:
the draft goes out for public comments, a public commenter comments and confirms
by mail, an editor accepts the comment and edits the clause, the 送审稿 is balloted
(two voting organizations), the ballot passes, the document moves to 报批稿 with no
override, the editors write the 编制说明, the 报批 package downloads and every part
of it is opened and read, and the standard is published with its dates.

What is stored is read back at each step through the API (with the page's session)."""

import io
import re
import subprocess
import zipfile

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from drafting.documents.demo import DEMO_TEXT
from tests.e2e.conftest import ARTIFACTS, login
from tests.support.smtp import first_link

pytestmark = pytest.mark.e2e

SECRETARIAT = "secretariat@drafting.example"
EDITOR = "li.wei@greencell.example"  # 绿能电池回收有限公司, the main drafting organization
VOTERS = [
    ("liu.yang@zkzs.example", "中科再生资源研究院", "for"),
    ("zhang.min@hualithium.example", "华锂新材料科技股份有限公司", "for_with_comments"),
]
NUMBER = "T/CESA 1999—2026"
DEMO_GROUP = "废旧磷酸铁锂电池正极材料回收利用技术规范"
TITLE = "废旧电池回收全流程演示规范"
OLD = "回收企业宜建立废旧电池来源和去向的信息追溯系统。"
NEW = "回收企业应建立废旧电池来源和去向的信息追溯系统，追溯信息保存不少于5年。"
PUBLIC_BODY = "“宜”不足以保证可追溯，建议改为“应”，并规定保存期限。"
REASON = "采纳，改为“应”，保存期限5年。"
VOTE_COMMENT = "建议在附录A中注明扣式电池的尺寸。"


def _text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")


def _cells(data: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(data))
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]


def _exported_pdf(page, document_id: int) -> bytes:
    """The document's PDF: from the cache at once, else through the export job's
    progress page (its script shows the download link when the job is done)."""
    response = page.request.get(f"/documents/{document_id}/export.pdf")
    assert response.status == 200, response.text()
    if response.body()[:4] != b"%PDF":
        assert re.search(rf"/documents/{document_id}/exports/\d+$", response.url), response.url
        page.goto(response.url)
        link = page.locator("[data-testid=export-download]")
        expect(link).to_be_visible(timeout=120_000)
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200 and response.body()[:4] == b"%PDF", response.url
    return response.body()


def _move(page, document_id: int, stage: str, *, override: bool) -> None:
    """Through the stage page; ``override`` ticks the secretariat's override when offered."""
    page.goto(f"/documents/{document_id}/stage")
    form = page.locator("form.stage-move", has=page.locator(f"[data-testid=move-{stage}]"))
    if override and form.locator("input[name=override_checks]").count():
        form.locator("input[name=override_checks]").check()
        form.locator("input[name=reason]").fill("起草阶段的检查由秘书处确认")
    with page.expect_navigation():
        form.locator(f"[data-testid=move-{stage}]").click()
    expect(page.locator(".flash.error")).to_have_count(0)
    expect(page.locator(".stage-badge")).to_have_class(re.compile(f"state-{stage}"))


def test_standard_lifecycle(browser, live_server, mailbox, screenshot):
    def new_page():
        ctx = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        ctx.set_default_timeout(20000)
        return ctx.new_page()

    def api(page, path: str):
        response = page.request.get(f"/api/v1{path}")
        assert response.status == 200, response.text()
        return response.json()

    # ---- The secretariat creates the document in the demo drafting group. ----
    sec = new_page()
    sec.on("dialog", lambda dialog: dialog.accept())
    login(sec, SECRETARIAT, DEMO_PASSWORD)
    sec.goto("/documents/new")
    sec.fill("input[name=number]", NUMBER)
    sec.fill("input[name=title_zh]", TITLE)
    # The demo group (绿能 main, 华锂 participating), whatever other tests created.
    group = sec.locator("select[name=group_id] option", has_text=DEMO_GROUP)
    sec.select_option("select[name=group_id]", group.get_attribute("value"))
    with sec.expect_navigation():
        sec.click("form.card button[type=submit]")
    document_id = int(re.search(r"/documents/(\d+)", sec.url).group(1))

    # The editor writes the text (the 工作组讨论稿).
    editor = new_page()
    editor.on("dialog", lambda dialog: dialog.accept())
    login(editor, EDITOR, DEMO_PASSWORD)
    editor.goto(f"/documents/{document_id}/edit")
    editor.fill("[data-testid=editor-text]", DEMO_TEXT)
    editor.fill("input[name=message]", "起草全文")
    with editor.expect_navigation():
        editor.click("[data-testid=save]")
    expect(editor.locator(".flash.error")).to_have_count(0)

    # ---- 1. 征求意见稿 with a public comment period. ----
    sec.goto(f"/documents/{document_id}/settings")
    sec.check("input[name=comments_public]")
    with sec.expect_navigation():
        sec.click("form.card button[type=submit]")
    _move(sec, document_id, "draft_for_comments", override=True)
    stored = api(sec, f"/documents/{document_id}")
    assert stored["stage"] == "draft_for_comments"
    period = api(sec, f"/documents/{document_id}/comment-period")
    assert period["audience"] == "public" and period["status"] == "open", period
    sent_out = max(api(sec, f"/documents/{document_id}/revisions"), key=lambda r: r["number"])
    assert period["revision_id"] == sent_out["id"], (period, sent_out)

    # ---- 2. An anonymous public commenter comments on clause 4.1 and confirms. ----
    public = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 375, "height": 800}
    )
    public.set_default_timeout(20000)
    reader = public.new_page()
    reader.goto(f"/consultation/{document_id}")
    expect(reader.locator("[data-testid=period-status]")).to_have_text("征求意见中")
    reader.select_option("select[name=clause]", "4.1")
    reader.select_option("select[name=type]", "te")
    reader.fill("textarea[name=body]", PUBLIC_BODY)
    reader.fill("textarea[name=proposed_change]", NEW)
    reader.fill("input[name=author_name]", "钱工")
    reader.fill("input[name=organization_name]", "某电池检测中心")
    reader.fill("input[name=email]", "qian@lifecycle.example")
    with reader.expect_navigation():
        reader.click("[data-testid=send-comment]")
    expect(reader.locator(".flash.info")).to_contain_text("qian@lifecycle.example")
    screenshot(reader, "lifecycle-comment-sent-375")
    mail = mailbox.wait_for("qian@lifecycle.example")[0]
    # Until it is confirmed, the comment is not the editors' to see.
    pending = api(sec, f"/documents/{document_id}/comments")
    assert not [c for c in pending if c["comment"] == PUBLIC_BODY], pending
    reader.goto(re.sub(r"^https?://[^/]+", live_server, first_link(mail)))
    expect(reader.locator("[data-testid=confirmed]")).to_contain_text("4.1")
    public.close()

    # ---- 3. The editor accepts the comment and edits clause 4.1. ----
    editor.goto(f"/documents/{document_id}/comments")
    card = editor.locator("[data-testid=comment]", has_text=PUBLIC_BODY)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("某电池检测中心")
    card.locator("summary", has_text="处理").click()
    card.locator("select[name=resolution]").select_option("accepted")
    card.locator("textarea[name=reason], input[name=reason]").fill(REASON)
    with editor.expect_navigation():
        card.locator("form[action$=resolve] button[type=submit]").click()
    card = editor.locator("[data-testid=comment]", has_text=PUBLIC_BODY)
    expect(card.locator(".resolution")).to_contain_text(REASON)
    screenshot(editor, "lifecycle-comment-resolved")
    comments = api(editor, f"/documents/{document_id}/comments")
    public_comment = next(c for c in comments if c["comment"] == PUBLIC_BODY)
    assert public_comment["resolution"] == "accepted"
    assert public_comment["resolution_reason"] == REASON
    assert public_comment["clause"] == "4.1"
    assert public_comment["organization"] == "某电池检测中心"
    assert public_comment["revision_id"] == sent_out["id"]

    editor.goto(f"/documents/{document_id}/edit")
    text = editor.locator("[data-testid=editor-text]").input_value()
    assert OLD in text
    editor.fill("[data-testid=editor-text]", text.replace(OLD, NEW))
    editor.fill("input[name=message]", "按征求意见处理：4.1 改为“应”")
    with editor.expect_navigation():
        editor.click("[data-testid=save]")
    expect(editor.locator(".flash.error")).to_have_count(0)
    head = max(api(editor, f"/documents/{document_id}/revisions"), key=lambda r: r["number"])
    assert head["message"].startswith("按征求意见处理")
    stored_text = api(editor, f"/documents/{document_id}/revisions/{head['id']}")["text"]
    assert NEW in stored_text and OLD not in stored_text

    # ---- 4. 送审稿, a ballot of two voting organizations, both vote, it passes. ----
    _move(sec, document_id, "draft_for_review", override=False)
    sec.click("[data-testid=tab-ballots]")
    boxes = sec.locator("input[name=organizations]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for _email, org, _choice in VOTERS:
        sec.locator("label", has_text=org).locator("input").check()
    with sec.expect_navigation():
        sec.click("[data-testid=open-ballot-submit]")
    expect(sec.locator(".flash.success")).to_have_count(1)
    ballot_url = sec.url
    ballot_id = int(re.search(r"/ballots/(\d+)$", ballot_url).group(1))

    for email, _org, choice in VOTERS:
        voter = new_page()
        login(voter, email, DEMO_PASSWORD)
        voter.goto(ballot_url)
        expect(voter.locator("[data-testid=revision-text]")).to_contain_text(NEW)
        voter.check(f"input[name=choice][value={choice}]")
        if choice == "for_with_comments":
            voter.fill("textarea[name=comments]", VOTE_COMMENT)
        with voter.expect_navigation():
            voter.click("[data-testid=vote-submit]")
        expect(voter.locator(".flash.success")).to_have_count(1)
        expect(voter.locator("[data-testid=my-vote]")).to_be_visible()
        voter.context.close()

    sec.goto(ballot_url)
    expect(sec.locator("[data-testid=votes]")).to_contain_text("赞成，有修改意见")
    with sec.expect_navigation():
        sec.click("[data-testid=close-ballot]")
    expect(sec.locator("[data-testid=ballot-result]")).to_contain_text("通过")
    screenshot(sec, "lifecycle-ballot-closed")
    ballot = api(sec, f"/ballots/{ballot_id}")
    assert ballot["status"] == "closed", ballot
    assert ballot["result"] == "passed", ballot
    assert ballot["counts"]["cast"] == 2 and ballot["counts"]["for_with_comments"] == 1, ballot
    assert {v["choice"] for v in ballot["votes"]} == {"for", "for_with_comments"}, ballot

    # ---- 5. 报批稿 without override: the passed ballot opens the gate. ----
    sec.goto(f"/documents/{document_id}/stage")
    form = sec.locator("form.stage-move", has=sec.locator("[data-testid=move-draft_for_approval]"))
    if form.locator("input[name=override_checks]").count():
        expect(form.locator("input[name=override_checks]")).not_to_be_checked()
    _move(sec, document_id, "draft_for_approval", override=False)
    assert api(sec, f"/documents/{document_id}")["stage"] == "draft_for_approval"

    # ---- 6. The editor writes the 编制说明 and downloads the 报批 package. ----
    editor.goto(f"/documents/{document_id}/approval")
    editor.fill("textarea[name=technical_content]", "## 主要技术内容\n\n规定了追溯信息的保存期限。")
    editor.fill("textarea[name=relations]", "与 GB/T 33598 协调一致。")
    editor.fill("textarea[name=divergences]", "征求意见中关于4.1的意见已采纳。")
    with editor.expect_navigation():
        editor.click("[data-testid=save-notes]")
    expect(editor.locator("[data-testid=notes-preview]")).to_contain_text("追溯信息的保存期限")
    screenshot(editor, "lifecycle-approval")
    with editor.expect_download(timeout=120_000) as download:
        editor.click("[data-testid=assemble-package]", no_wait_after=True)
    with open(download.value.path(), "rb") as fh:
        package = fh.read()
    (ARTIFACTS / "lifecycle-package.zip").write_bytes(package)  # to look at by hand
    archive = zipfile.ZipFile(io.BytesIO(package))
    parts = {n.rsplit("/", 1)[-1]: archive.read(n) for n in archive.namelist()}

    def part(suffix: str) -> bytes:
        found = [n for n in parts if n.endswith(suffix)]
        assert len(found) == 1, (suffix, sorted(parts))
        return parts[found[0]]

    # 报批稿 PDF: title and the draft label.
    final = _text(part("（报批稿）.pdf"))
    assert TITLE in final.replace(" ", "") and "报批稿" in final
    # 报批稿 .docx opens and holds the new text.
    docx_names = [n for n in parts if n.endswith(".docx") and "编制说明" not in n]
    assert docx_names, sorted(parts)
    word = DocxDocument(io.BytesIO(parts[docx_names[0]]))
    word_text = "\n".join(p.text for p in word.paragraphs)
    assert "追溯信息保存不少于5年" in word_text
    # 征求意见汇总处理表: the public comment and 采纳 with the reason.
    table = _cells(part("征求意见汇总处理表.xlsx"))
    assert any(PUBLIC_BODY in c for c in table)
    assert any("采纳" in c for c in table)
    assert any(REASON in c for c in table)
    assert any("某电池检测中心" in c for c in table)
    # The ballot summary: the counts and the result.
    summary_names = [n for n in parts if "表决" in n]
    assert summary_names, sorted(parts)
    summary = " ".join(
        " ".join(_cells(parts[n])) if n.endswith(".xlsx") else _text(parts[n])
        for n in summary_names
    )
    assert "通过" in summary and VOTE_COMMENT in summary.replace(" ", "").replace("\n", "")
    assert re.search(r"赞成[^0-9]{0,20}2", summary), summary
    # The redline against the 征求意见稿 (revision 2, the text the public commented on):
    # 4.1 is flagged 修改, the deleted 宜 and the inserted 应 both shown.
    redline = _text(part("与征求意见稿对照（修订标记）.pdf"))
    assert "比较：第 2 版" in redline and "→ 第 3 版" in redline
    line = next(x for x in redline.splitlines() if "信息追溯系统" in x)
    assert "宜应建立" in line and "追溯信息保存不少于5年" in line, line
    assert re.search(r"修改\s+4\.1", redline)
    # 条文对照表: the changed clause, old and new, with the accepted comment as the reason.
    correspondence = _cells(part("条文对照表.xlsx"))
    assert any("第 2 版" in c and "第 3 版" in c for c in correspondence), correspondence
    header = correspondence.index("修改理由")
    row = correspondence[header + 1 :]
    assert row[:2] == ["1", "4.1"] and row[2] == "修改", row
    assert OLD in row[3] and NEW in row[4], row
    assert REASON in row[5] and row[5].startswith("采纳"), row
    # 编制说明 (PDF and Word): units, dates, comment counts and the ballot result.
    notes = re.sub(r"\s+", "", _text(part("编制说明.pdf")))
    notes_word = "\n".join(
        p.text for p in DocxDocument(io.BytesIO(part("编制说明.docx"))).paragraphs
    )
    notes_word = re.sub(r"\s+", "", notes_word)
    for text in (notes, notes_word):
        assert "起草单位：绿能电池回收有限公司、华锂新材料科技股份有限公司" in text, text
        assert re.search(
            r"征求意见稿于20\d\d-\d\d-\d\d发出征求意见，截止日期为20\d\d-\d\d-\d\d", text
        )
        # the public comment only: the vote's comment on the 送审稿 is not the consultation's
        assert "的意见1条，其中采纳1条" in text, text
        assert "投票数2；赞成2（其中有修改意见1）" in text and "表决结论：通过" in text, text
        assert "追溯信息的保存期限" in text and "GB/T33598" in text
    # 清单 names every other part, under its number.
    listing = part("清单.txt").decode("utf-8-sig")
    assert len(parts) == 10, sorted(parts)
    for name in parts:
        if not name.endswith("清单.txt"):
            assert re.search(rf"^{name[:2]} .+：{re.escape(name)}\r?$", listing, re.M), (
                name,
                listing,
            )

    # ---- 7. The secretariat publishes with dates; the published PDF has them. ----
    sec.goto(f"/documents/{document_id}/stage")
    form = sec.locator("form.publish")
    form.locator("input[name=published_on]").fill("2026-12-20")
    form.locator("input[name=implemented_on]").fill("2027-03-01")
    with sec.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(sec.locator(".flash.success").first).to_contain_text("2027-03-01")
    stored = api(sec, f"/documents/{document_id}")
    assert stored["stage"] == "published"
    assert stored["planned_published_on"] == "2026-12-20"
    published = _text(_exported_pdf(sec, document_id))
    assert "2026-12-20" in published and "2027-03-01" in published
    for label in ("报批稿", "送审稿", "征求意见稿", "讨论稿"):
        assert label not in published, label
