import random

import pytest

from drafting.documents import merge as merge_module
from drafting.documents.merge import (
    Conflict,
    has_conflict_markers,
    merge_texts,
)

PARAGRAPH = (
    "试验样品应在温度 23 ℃±2 ℃的条件下放置 24 h。"
    "检测设备宜在每次试验前进行校准。"
    "试验报告可包括试验人员和试验日期。"
)
BASE = f"# 5　试验方法\n\n## 5.1　一般要求\n\n{PARAGRAPH}\n\n## 5.2　外观\n\n目测检查外观。\n"


def test_changes_in_different_lines_merge_cleanly():
    ours = BASE.replace("# 5　试验方法", "# 5　试验和检验方法")
    theirs = BASE.replace("目测检查外观。", "在自然光下目测检查外观。")

    result = merge_texts(BASE, ours, theirs)

    assert result.clean
    assert result.conflicts == []
    assert result.text == BASE.replace("# 5　试验方法", "# 5　试验和检验方法").replace(
        "目测检查外观。", "在自然光下目测检查外观。"
    )


def test_different_sentences_of_one_chinese_paragraph_merge_cleanly():
    ours = BASE.replace("放置 24 h", "放置 48 h")
    theirs = BASE.replace("试验报告可包括", "试验报告应包括")

    result = merge_texts(BASE, ours, theirs)

    assert result.clean
    assert "放置 48 h" in result.text
    assert "试验报告应包括" in result.text
    assert "放置 24 h" not in result.text
    assert "试验报告可包括" not in result.text


def test_adjacent_lines_changed_by_each_side_merge_cleanly():
    base = "第一行。\n第二行。\n第三行。\n"
    ours = "第一行（改）。\n第二行。\n第三行。\n"
    theirs = "第一行。\n第二行（改）。\n第三行。\n"

    result = merge_texts(base, ours, theirs)

    assert result.clean
    assert result.text == "第一行（改）。\n第二行（改）。\n第三行。\n"


def test_same_sentence_changed_differently_is_a_conflict_with_both_texts():
    ours = BASE.replace("宜在每次试验前进行校准", "应在每次试验前进行校准")
    theirs = BASE.replace("宜在每次试验前进行校准", "可在每月进行一次校准")

    result = merge_texts(BASE, ours, theirs)

    assert not result.clean
    assert result.text is None
    [conflict] = result.conflicts
    assert "应在每次试验前进行校准" in conflict.ours
    assert "可在每月进行一次校准" in conflict.theirs
    assert "宜在每次试验前进行校准" in conflict.base
    # both versions are recoverable as whole documents
    assert result.resolve("ours") == ours
    assert result.resolve("theirs") == theirs


def test_conflict_reports_line_ranges_and_context():
    ours = BASE.replace("宜在每次", "应在每次")
    theirs = BASE.replace("宜在每次", "可在每次")

    [conflict] = merge_texts(BASE, ours, theirs).conflicts

    ours_lines = ours.split("\n")
    assert conflict.ours_lines == (4, 5)
    assert conflict.theirs_lines == (4, 5)
    assert conflict.base_lines == (4, 5)
    assert conflict.ours == ours_lines[4] + "\n"
    assert conflict.before.endswith("## 5.1　一般要求\n\n")
    assert conflict.after.startswith("\n## 5.2　外观\n")
    assert conflict.reason == "overlap"


def test_conflict_text_has_diff3_markers_with_labels():
    ours = BASE.replace("宜在每次", "应在每次")
    theirs = BASE.replace("宜在每次", "可在每次")
    result = merge_texts(BASE, ours, theirs)

    text = result.conflict_text()

    assert "<<<<<<< 你的修改\n" in text
    assert "||||||| 原文\n" in text
    assert "=======\n" in text
    assert ">>>>>>> 他人的修改\n" in text
    start = text.index("<<<<<<<")
    assert text.index("应在每次") < text.index("|||||||") < text.index("宜在每次")
    assert text.index("=======") < text.index("可在每次") < text.index(">>>>>>>")
    assert text.startswith(BASE[: BASE.index(PARAGRAPH)]) and start == BASE.index(PARAGRAPH)
    assert text.endswith("## 5.2　外观\n\n目测检查外观。\n")
    assert has_conflict_markers(text)

    labelled = result.conflict_text(ours_label="mine", base_label="base", theirs_label="head")
    assert "<<<<<<< mine\n" in labelled and ">>>>>>> head\n" in labelled
    assert "||||||| base\n" in labelled


def test_identical_changes_merge_cleanly_without_duplication():
    ours = BASE.replace("目测检查外观。", "目测检查外观，并记录。")

    result = merge_texts(BASE, ours, ours)

    assert result.clean
    assert result.text == ours
    assert result.text.count("并记录") == 1


def test_identical_change_plus_other_change_in_same_paragraph():
    both = BASE.replace("放置 24 h", "放置 48 h")
    ours = both.replace("试验报告可包括", "试验报告应包括")

    result = merge_texts(BASE, ours, both)

    assert result.clean
    assert result.text == ours
    assert result.text.count("48 h") == 1


def test_deleting_a_paragraph_the_other_side_edits_is_a_conflict():
    ours = BASE.replace(PARAGRAPH + "\n\n", "")
    theirs = BASE.replace("放置 24 h", "放置 48 h")

    result = merge_texts(BASE, ours, theirs)

    assert not result.clean
    [conflict] = result.conflicts
    assert conflict.ours == ""
    assert "放置 48 h" in conflict.theirs
    assert result.resolve("theirs") == theirs
    assert result.resolve("ours") == ours


def test_insertions_of_different_lines_at_the_same_point_conflict():
    ours = BASE.replace("目测检查外观。\n", "目测检查外观。\n\n## 5.3　尺寸\n")
    theirs = BASE.replace("目测检查外观。\n", "目测检查外观。\n\n## 5.3　重量\n")

    result = merge_texts(BASE, ours, theirs)

    assert not result.clean
    [conflict] = result.conflicts
    assert "尺寸" in conflict.ours and "重量" in conflict.theirs
    assert conflict.base == ""
    assert conflict.base_lines[0] == conflict.base_lines[1]


def test_insertions_at_the_same_point_inside_a_sentence_conflict():
    ours = BASE.replace("进行校准。", "进行校准和检定。")
    theirs = BASE.replace("进行校准。", "进行校准和核查。")

    result = merge_texts(BASE, ours, theirs)

    assert not result.clean
    text = result.conflict_text()
    assert "校准和检定" in text and "校准和核查" in text


def test_same_insertion_at_the_same_point_is_clean():
    ours = BASE + "\n## 5.3　尺寸\n"

    result = merge_texts(BASE, ours, ours)

    assert result.clean and result.text == ours


def test_latin_sentences_of_one_line_merge_at_word_level():
    base = "The device shall be tested at room temperature. The report lists the results.\n"
    ours = "The instrument shall be tested at room temperature. The report lists the results.\n"
    theirs = "The device shall be tested at room temperature. The report lists all results.\n"

    result = merge_texts(base, ours, theirs)

    assert result.clean
    assert result.text == (
        "The instrument shall be tested at room temperature. The report lists all results.\n"
    )


def test_latin_words_changed_by_both_in_one_sentence_conflict():
    base = "The device shall be tested at room temperature.\n"
    ours = "The instrument shall be tested at room temperature.\n"
    theirs = "The device shall be tested at a controlled room temperature.\n"

    result = merge_texts(base, ours, theirs)

    assert not result.clean
    [conflict] = result.conflicts
    assert conflict.ours == ours and conflict.theirs == theirs


def test_shall_to_should_and_words_added_later_in_the_same_sentence_conflict():
    """A changes 应 to 宜, B adds words later in the same sentence: merging them
    would save a sentence neither wrote, so both versions are shown."""
    ours = BASE.replace("试验样品应在温度", "试验样品宜在温度")
    theirs = BASE.replace("放置 24 h。", "放置不少于 24 h。")

    result = merge_texts(BASE, ours, theirs)

    assert not result.clean and result.text is None
    [conflict] = result.conflicts
    assert "试验样品宜在温度" in conflict.ours and "放置 24 h" in conflict.ours
    assert "试验样品应在温度" in conflict.theirs and "放置不少于 24 h" in conflict.theirs
    assert conflict.base == PARAGRAPH + "\n"
    marked = result.conflict_text()
    assert "试验样品宜在温度" in marked and "放置不少于 24 h" in marked
    assert result.resolve("ours") == ours
    assert result.resolve("theirs") == theirs


def test_adjacent_sentences_of_one_paragraph_still_merge():
    ours = BASE.replace("试验样品应在温度", "试验样品宜在温度")
    theirs = BASE.replace("检测设备宜在每次", "检测设备应在每次")

    result = merge_texts(BASE, ours, theirs)

    assert result.clean
    assert result.text == BASE.replace("试验样品应在温度", "试验样品宜在温度").replace(
        "检测设备宜在每次", "检测设备应在每次"
    )


def test_a_sentence_added_between_sentences_merges_with_an_edit_of_its_neighbour():
    ours = BASE.replace("检测设备宜在", "检测设备应在")
    theirs = BASE.replace("进行校准。", "进行校准。校准记录应保存 3 年。")

    result = merge_texts(BASE, ours, theirs)

    assert result.clean
    assert result.text == BASE.replace("检测设备宜在", "检测设备应在").replace(
        "进行校准。", "进行校准。校准记录应保存 3 年。"
    )


def test_different_cells_of_one_table_row_merge_and_the_same_cell_conflicts():
    base = "| 项目 | 要求 |\n|---|---|\n| 铝回收率 | 应不低于 95% |\n"
    first = base.replace("| 铝回收率 |", "| 铝的回收率 |")
    second = base.replace("应不低于 95%", "应不低于 92%")
    third = base.replace("应不低于 95%", "宜不低于 95%")

    merged = merge_texts(base, first, second)
    assert merged.clean
    assert merged.text == "| 项目 | 要求 |\n|---|---|\n| 铝的回收率 | 应不低于 92% |\n"
    assert not merge_texts(base, second, third).clean


def test_regression_dmp_patch_apply_drops_concurrent_change_in_same_sentence():
    """diff-match-patch's patch_apply reports success and loses one of these."""
    base = "The device shall be tested at 20 °C for 2 h."
    ours = "The device shall be tested at 25 °C for 2 h."
    theirs = "The device shall be tested at 20 °C for 4 h."

    result = merge_texts(base, ours, theirs)

    if result.clean:
        assert result.text == "The device shall be tested at 25 °C for 4 h."
    else:
        [conflict] = result.conflicts
        assert "25 °C" in conflict.ours and "4 h" in conflict.theirs


def test_regression_dmp_trap_in_chinese():
    base = "样品应在 20 ℃下放置 2 h。\n"
    ours = "样品应在 25 ℃下放置 2 h。\n"
    theirs = "样品应在 20 ℃下放置 4 h。\n"

    result = merge_texts(base, ours, theirs)

    # one sentence changed by both: a conflict, not 25 ℃ and 4 h silently
    assert not result.clean
    [conflict] = result.conflicts
    assert "25 ℃" in conflict.ours and "4 h" in conflict.theirs


def test_one_side_unchanged_returns_the_other_side():
    changed = BASE.replace("目测", "用放大镜")
    assert merge_texts(BASE, changed, BASE).text == changed
    assert merge_texts(BASE, BASE, changed).text == changed
    assert merge_texts(BASE, BASE, BASE).text == BASE


def test_crlf_is_normalised():
    base = BASE.replace("\n", "\r\n")
    ours = BASE.replace("放置 24 h", "放置 48 h").replace("\n", "\r\n")
    theirs = BASE.replace("目测检查外观。", "在自然光下目测检查外观。")  # LF only

    result = merge_texts(base, ours, theirs)

    assert result.clean
    assert "\r" not in result.text
    assert result.text == BASE.replace("放置 24 h", "放置 48 h").replace(
        "目测检查外观。", "在自然光下目测检查外观。"
    )


def test_crlf_only_difference_is_no_change():
    result = merge_texts(BASE, BASE.replace("\n", "\r\n"), BASE.replace("目测", "手工"))
    assert result.clean and result.text == BASE.replace("目测", "手工")


@pytest.mark.parametrize("ending", ["", "\n"])
def test_trailing_newline_is_kept_as_the_editors_left_it(ending):
    base = "第一段。\n\n第二段。" + ending
    ours = "第一段（改）。\n\n第二段。" + ending
    theirs = "第一段。\n\n第二段（改）。" + ending

    result = merge_texts(base, ours, theirs)

    assert result.clean
    assert result.text == "第一段（改）。\n\n第二段（改）。" + ending


def test_removing_the_final_newline_merges_with_an_edit_elsewhere():
    base = "甲。\n\n乙。\n"
    result = merge_texts(base, "甲。\n\n乙。", "甲（改）。\n\n乙。\n")
    assert result.clean and result.text == "甲（改）。\n\n乙。"


def test_conflict_on_last_line_without_newline_keeps_markers_on_their_own_lines():
    result = merge_texts("甲\n乙", "甲\n乙一", "甲\n乙二")
    assert result.conflict_text() == (
        "甲\n<<<<<<< 你的修改\n乙一\n||||||| 原文\n乙\n=======\n乙二\n>>>>>>> 他人的修改\n"
    )
    assert result.resolve("ours") == "甲\n乙一"


def test_resolve_each_conflict_separately():
    base = "甲。\n\n乙。\n\n丙。\n"
    ours = "甲一。\n\n乙。\n\n丙一。\n"
    theirs = "甲二。\n\n乙。\n\n丙二。\n"
    result = merge_texts(base, ours, theirs)
    assert len(result.conflicts) == 2
    assert result.resolve(["ours", "theirs"]) == "甲一。\n\n乙。\n\n丙二。\n"
    with pytest.raises(ValueError):
        result.resolve(["ours"])


def test_huge_conflicting_hunk_is_reported_without_fine_merge(monkeypatch):
    monkeypatch.setattr(merge_module, "MAX_FINE_TOKENS", 50)
    base = "，".join(f"条款{k}" for k in range(40)) + "。\n"
    ours = base.replace("条款1，", "条款一，")
    theirs = base.replace("条款30，", "条款三十，")

    result = merge_texts(base, ours, theirs)

    assert not result.clean
    assert result.conflicts[0].reason == "too_large"
    assert result.resolve("ours") == ours


def test_has_conflict_markers():
    assert not has_conflict_markers(BASE)
    assert has_conflict_markers(
        "a\r\n<<<<<<< 你的修改\r\nb\r\n=======\r\nc\r\n>>>>>>> 他人的修改\r\n"
    )
    assert not has_conflict_markers("标题\n=======\n\n正文\n")  # setext heading
    assert not has_conflict_markers("a\n>>>>>>> b\n<<<<<<< c\n")


def test_conflict_is_plain_data():
    result = merge_texts("a\n", "b\n", "c\n")
    assert isinstance(result.conflicts[0], Conflict)
    assert result.conflicts[0].base == "a\n"


# -- a 350 KB standard -------------------------------------------------------


def _large_standard(seed: int = 7, target_bytes: int = 350_000) -> list[str]:
    rng = random.Random(seed)
    subjects = ["试验样品", "检测设备", "传感器", "控制系统", "数据接口", "电源模块", "包装箱"]
    modals = ["应", "宜", "可", "不应"]
    lines, size, clause = [], 0, 4
    while size < target_bytes:
        block = [f"## {clause}　技术要求", ""]
        for sub in range(1, 6):
            block += [f"### {clause}.{sub}", ""]
            sentences = [
                f"{rng.choice(subjects)}在温度 {rng.randint(-40, 70)} ℃下"
                f"{rng.choice(modals)}符合表 {rng.randint(1, 50)} 的规定。"
                for _ in range(rng.randint(2, 6))
            ]
            block += ["".join(sentences), ""]
            if rng.random() < 0.2:
                block += ["| 项目 | 要求 |", "|---|---|", f"| 电压 | {rng.randint(1, 400)} V |", ""]
        lines += block
        size += sum(len(line.encode()) + 1 for line in block)
        clause += 1
    return lines


def test_large_document_with_edits_at_beginning_middle_and_end():
    lines = _large_standard()
    base = "\n".join(lines) + "\n"
    assert len(base.encode()) >= 350_000
    paragraphs = [k for k, line in enumerate(lines) if line.endswith("。")]
    first, middle, last = paragraphs[0], paragraphs[len(paragraphs) // 2], paragraphs[-1]

    ours_lines = list(lines)
    ours_lines[0] = "## 4　技术要求和试验方法"  # beginning
    ours_lines[middle] = "【甲】" + ours_lines[middle]  # middle, start of paragraph
    ours_lines.append("## 附录 A")  # end
    theirs_lines = list(lines)
    theirs_lines[first] = theirs_lines[first] + "（乙）"  # beginning
    theirs_lines[middle] = theirs_lines[middle][:-1] + "，并形成记录。"  # same paragraph
    theirs_lines[last] = theirs_lines[last].replace("℃", "°C", 1)  # end

    result = merge_texts(base, "\n".join(ours_lines) + "\n", "\n".join(theirs_lines) + "\n")

    expected = list(lines)
    expected[0] = ours_lines[0]
    expected[first] = theirs_lines[first]
    expected[middle] = "【甲】" + theirs_lines[middle]
    expected[last] = theirs_lines[last]
    expected.append("## 附录 A")
    assert result.clean
    assert result.text == "\n".join(expected) + "\n"


def test_large_document_conflict_is_local():
    lines = _large_standard(seed=8)
    base = "\n".join(lines) + "\n"
    k = [i for i, line in enumerate(lines) if line.endswith("。")][100]
    ours_lines, theirs_lines = list(lines), list(lines)
    ours_lines[k] = "甲" + lines[k][1:]
    theirs_lines[k] = "乙" + lines[k][1:]

    result = merge_texts(base, "\n".join(ours_lines) + "\n", "\n".join(theirs_lines) + "\n")

    [conflict] = result.conflicts
    assert conflict.ours_lines == (k, k + 1)
    assert conflict.ours.startswith("甲") and conflict.theirs.startswith("乙")
