"""Punctuation compression: one of two adjacent full-width marks is half-width."""

from drafting.standardtext import render
from drafting.standardtext.punctuation import compress, halves


def test_closing_mark_before_another_mark_is_compressed():
    assert halves("见“电池”）。") == {4, 5}
    assert compress("“电池”）") == '“电池<span class="punct-halt">”</span>）'


def test_two_opening_marks_compress_the_second():
    assert halves("（“甲”）") == {1, 3}


def test_each_pair_compresses_once_and_single_marks_never():
    assert halves("《标准》、《规范》") == {3, 4}
    assert halves("甲，乙。丙") == set()
    assert compress("a<b>&") == "a&lt;b&gt;&amp;"


def test_rendered_text_carries_the_spans_and_the_css_turns_halt_on():
    html = render("# 范围\n\n应符合“电池”）的规定。\n").html
    assert '“电池<span class="punct-halt">”</span>）的规定。' in html
    css = open("static/export/standard.css", encoding="utf-8").read()
    assert '.punct-halt { font-feature-settings: "halt"; }' in css
