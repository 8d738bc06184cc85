import random

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.documents.diff import (
    Row,
    Segment,
    Skip,
    diff_revisions,
    matching_blocks,
    render_inline_html,
    render_side_by_side_html,
    word_tokens,
)


def changed_rows(diff):
    return [row for row in diff.rows if isinstance(row, Row) and row.kind != "equal"]


def test_chinese_is_highlighted_character_by_character():
    diff = diff_revisions("试验温度应为 20 ℃。\n", "试验温度宜为 25 ℃。\n")

    [row] = diff.rows
    assert row.kind == "replace"
    assert row.old == (
        Segment("equal", "试验温度"),
        Segment("delete", "应"),
        Segment("equal", "为 "),
        Segment("delete", "20"),
        Segment("equal", " ℃。"),
    )
    assert row.new == (
        Segment("equal", "试验温度"),
        Segment("insert", "宜"),
        Segment("equal", "为 "),
        Segment("insert", "25"),
        Segment("equal", " ℃。"),
    )
    assert diff.stats.chars_deleted == 3 and diff.stats.chars_inserted == 3


def test_english_is_highlighted_word_by_word():
    diff = diff_revisions(
        "The device shall be tested at room temperature.",
        "The devices shall be tested at ambient temperature.",
    )

    [row] = diff.rows
    assert [s for s in row.old if s.kind == "delete"] == [
        Segment("delete", "device"),
        Segment("delete", "room"),
    ]
    assert [s for s in row.new if s.kind == "insert"] == [
        Segment("insert", "devices"),
        Segment("insert", "ambient"),
    ]


def test_adjacent_changed_words_are_one_highlight():
    [row] = diff_revisions("a quick brown fox", "a slow red fox").rows
    assert row.old == (
        Segment("equal", "a "),
        Segment("delete", "quick brown"),
        Segment("equal", " fox"),
    )


def test_word_tokens():
    assert word_tokens("GB/T 1.1 规定 x2") == [
        "GB",
        "/",
        "T",
        " ",
        "1",
        ".",
        "1",
        " ",
        "规",
        "定",
        " ",
        "x2",
    ]
    assert word_tokens("a\n\n b") == ["a", "\n", "\n", " ", "b"]


def test_side_by_side_rows_align_lines():
    old = "标题\n第一段。\n第二段。\n第三段。\n"
    new = "标题\n第一段（改）。\n第三段。\n新增段。\n"

    rows = diff_revisions(old, new).rows

    assert [(r.kind, r.old_no, r.new_no) for r in rows] == [
        ("equal", 1, 1),
        ("replace", 2, 2),
        ("delete", 3, None),
        ("equal", 4, 3),
        ("insert", None, 4),
    ]
    assert rows[2].old == (Segment("delete", "第二段。"),) and rows[2].new == ()
    assert rows[4].new == (Segment("insert", "新增段。"),)


def test_replaced_block_pairs_similar_lines():
    old = "完全不同的一句话。\n传感器应符合表 1 的规定。\n"
    new = "传感器应符合表 2 的规定。\n"

    rows = diff_revisions(old, new).rows

    assert [(r.kind, r.old_no, r.new_no) for r in rows] == [
        ("delete", 1, None),
        ("replace", 2, 1),
    ]


def test_long_unchanged_runs_are_collapsed_with_context():
    old_lines = [f"第 {k} 段。" for k in range(1, 101)]
    new_lines = list(old_lines)
    new_lines[49] = "第 50 段（改）。"

    diff = diff_revisions("\n".join(old_lines), "\n".join(new_lines))

    kinds = [r.kind for r in diff.rows]
    assert kinds == ["skip"] + ["equal"] * 3 + ["replace"] + ["equal"] * 3 + ["skip"]
    first, last = diff.rows[0], diff.rows[-1]
    assert (first.count, first.old_no, first.new_no) == (46, 1, 1)
    assert (last.count, last.old_no) == (47, 54)
    assert diff.rows[1].old_no == 47 and diff.rows[4].old_no == 50
    assert isinstance(diff.inline[0], Skip) and isinstance(diff.inline[-1], Skip)
    html = render_side_by_side_html(diff, skip_label="{n} 行未改动")
    assert "46 行未改动" in html and "47 行未改动" in html
    assert "46 unchanged lines" in render_inline_html(diff)


def test_short_unchanged_runs_are_not_collapsed():
    diff = diff_revisions("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nee\nf\ng\nh\n")
    assert not any(isinstance(r, Skip) for r in diff.rows)
    assert len(diff.rows) == 8


def test_no_change():
    diff = diff_revisions("甲\n乙\n丙\n", "甲\r\n乙\r\n丙")
    assert not diff.changed
    assert diff.rows == [Skip(3, 1, 1)]
    assert diff.stats.lines_added == diff.stats.lines_removed == 0


def test_stats():
    diff = diff_revisions("甲\n乙\n丙\n", "甲\n乙二\n丙\n丁丁\n")
    assert diff.stats.lines_added == 2
    assert diff.stats.lines_removed == 1
    assert diff.stats.chars_inserted == 3
    assert diff.stats.chars_deleted == 0
    assert diff.stats.chars_changed == 3


def test_inline_segments():
    diff = diff_revisions("甲\n试验温度应为 20 ℃。\n丙\n", "甲\n试验温度宜为 20 ℃。\n丙\n")
    assert diff.inline == [
        Segment("equal", "甲\n试验温度"),
        Segment("delete", "应"),
        Segment("insert", "宜"),
        Segment("equal", "为 20 ℃。\n丙\n"),
    ]


def test_html_escapes_everything():
    old = "正文 <b>粗体</b>\n"
    new = "正文 <script>alert('x')</script> & <b>粗体</b>\n"
    diff = diff_revisions(old, new)

    for html in (render_inline_html(diff), render_side_by_side_html(diff)):
        assert "<script" not in html
        assert "<b>" not in html
        assert "script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "&amp;" in html
        assert '<ins class="diff-ins">' in html
        assert '<span class="diff-eq">' in html
    html = render_side_by_side_html(diff_revisions("<i>a</i>", "b"))
    assert '<del class="diff-del">&lt;i&gt;a&lt;/i&gt;</del>' in html
    assert "diff-row-replace" in html


def test_large_document_with_scattered_edits():
    rng = random.Random(5)
    lines = []
    for k in range(6000):
        lines.append(
            ""
            if k % 2
            else f"{k} " + "".join(rng.choice("样品应在温度下放置的条件试验") for _ in range(50))
        )
    new_lines = list(lines)
    edited = sorted(rng.sample(range(0, 6000, 2), 20))
    for k in edited:
        new_lines[k] = new_lines[k].replace(" ", " 改 ", 1)

    diff = diff_revisions("\n".join(lines), "\n".join(new_lines))

    assert [r.old_no for r in changed_rows(diff)] == [k + 1 for k in edited]
    assert diff.stats.chars_inserted == 40
    assert len(diff.rows) < 20 * 8 + 21


def test_matching_blocks_survive_repeated_lines():
    a = ["", "x", ""] * 5000
    b = list(a)
    b[7000] = "y"
    blocks = matching_blocks(a, b)
    assert blocks[-1] == (15000, 15000, 0)
    assert sum(n for _, _, n in blocks) == 14999


lines = st.lists(
    st.text(alphabet="ab 试验。\t<&", max_size=12),
    max_size=12,
)


def join(parts):
    return "".join(p + "\n" for p in parts)


@settings(max_examples=200, deadline=None)
@given(old=lines, new=lines)
def test_rows_and_inline_reproduce_both_texts(old, new):
    diff = diff_revisions(join(old), join(new), context=10**6)

    if old == new:  # nothing changed: everything is one skipped run
        assert not diff.changed
        assert all(r.kind in ("equal", "skip") for r in diff.rows)
        assert len(diff.rows) == (1 if len(old) >= 2 else len(old))
        return
    rows = [r for r in diff.rows if isinstance(r, Row)]
    assert [r.old_no for r in rows if r.old_no] == list(range(1, len(old) + 1))
    assert [r.new_no for r in rows if r.new_no] == list(range(1, len(new) + 1))
    assert ["".join(s.text for s in r.old) for r in rows if r.old_no] == old
    assert ["".join(s.text for s in r.new) for r in rows if r.new_no] == new
    for row in rows:
        assert all(s.kind in ("equal", "delete") for s in row.old)
        assert all(s.kind in ("equal", "insert") for s in row.new)
    old_inline = "".join(s.text for s in diff.inline if s.kind != "insert")
    new_inline = "".join(s.text for s in diff.inline if s.kind != "delete")
    assert old_inline == join(old) and new_inline == join(new)


@settings(max_examples=200, deadline=None)
@given(
    a=st.lists(st.sampled_from("abcd"), max_size=40),
    b=st.lists(st.sampled_from("abcd"), max_size=40),
)
def test_matching_blocks_are_equalities_in_order(a, b):
    blocks = matching_blocks(a, b)
    assert blocks[-1] == (len(a), len(b), 0)
    i = j = 0
    for bi, bj, n in blocks:
        assert bi >= i and bj >= j
        assert a[bi : bi + n] == b[bj : bj + n]
        i, j = bi + n, bj + n
