"""Benchmark of saving (three-way merge), diffs, preview and checks on a ~350 KB standard.

Run from the repository root::

    .venv/bin/python bench/editing.py [--repeat 15] [--size 350000] [--seed 20240601]

Every case is timed in the same run, round-robin, and reported as the median
and as a ratio to rendering the same text with
``markdown_it.MarkdownIt("commonmark").render``, so figures from different
machines compare. To add a case, append ``(name, callable)`` to the list
returned by :func:`cases`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from _sample import generate_standard  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402

from drafting.documents import merge as merge_module  # noqa: E402
from drafting.documents.diff import (  # noqa: E402
    diff_revisions,
    render_inline_html,
    render_side_by_side_html,
)
from drafting.documents.merge import merge_texts  # noqa: E402
from drafting.standardtext import render, run_checks  # noqa: E402

BASELINE = "markdown-it render (baseline)"


def _paragraphs(lines: list[str]) -> list[int]:
    return [k for k, line in enumerate(lines) if line.endswith("。") and len(line) > 60]


def _edit_paragraph(line: str, rng: random.Random, tag: str) -> str:
    """Insert a short clause after a random sentence of the paragraph."""
    cuts = [k + 1 for k, ch in enumerate(line) if ch == "。"]
    cut = rng.choice(cuts)
    return line[:cut] + f"{tag}应符合本文件的规定。" + line[cut:]


def cases(text: str, seed: int) -> list[tuple[str, Callable[[], object]]]:
    rng = random.Random(seed)
    lines = text.split("\n")
    paras = _paragraphs(lines)

    # (a) two editors, edits in different places of the document
    ours, theirs = list(lines), list(lines)
    for k in rng.sample(paras[: len(paras) // 2], 3):
        ours[k] = _edit_paragraph(ours[k], rng, "甲")
    for k in rng.sample(paras[len(paras) // 2 :], 3):
        theirs[k] = _edit_paragraph(theirs[k], rng, "乙")
    ours_a, theirs_a = "\n".join(ours), "\n".join(theirs)
    _check_clean(text, ours_a, theirs_a, expect_fine=False)

    # (b) both editors change different sentences of the same paragraphs
    ours, theirs = list(lines), list(lines)
    for k in rng.sample(paras, 3):
        sentences = ours[k].split("。")
        ours[k] = "。".join(["修改：" + sentences[0], *sentences[1:]])
        theirs[k] = theirs[k][:-1] + "，并形成记录。"
    ours_b, theirs_b = "\n".join(ours), "\n".join(theirs)
    _check_clean(text, ours_b, theirs_b, expect_fine=True)

    # (c) diff of two revisions with 20 scattered edits, rendered both ways
    new = list(lines)
    for k in rng.sample(paras, 20):
        new[k] = _edit_paragraph(new[k], rng, "新")
    revised = "\n".join(new)

    def diff_and_render() -> object:
        diff = diff_revisions(text, revised)
        return render_side_by_side_html(diff), render_inline_html(diff)

    md = MarkdownIt("commonmark")
    return [
        (BASELINE, lambda: md.render(text)),
        (
            "(a) save: 3-way merge, edits in different places",
            lambda: merge_texts(text, ours_a, theirs_a),
        ),
        (
            "(b) save: 3-way merge, finer retry in same paragraph",
            lambda: merge_texts(text, ours_b, theirs_b),
        ),
        ("(c) diff of 2 revisions (20 edits) + HTML, both views", diff_and_render),
        # The editor's live preview uses the same renderer as the PDF export.
        ("(d) preview render (standard dialect, numbered)", lambda: render(text).html),
        ("(e) checks (structure, verbal forms, references)", lambda: run_checks(text)),
    ]


def _check_clean(base: str, ours: str, theirs: str, *, expect_fine: bool) -> None:
    calls = []
    original = merge_module._merge_fine

    def spy(*args):
        result = original(*args)
        calls.append(result[0] is not None)
        return result

    merge_module._merge_fine = spy
    try:
        result = merge_texts(base, ours, theirs)
    finally:
        merge_module._merge_fine = original
    assert result.clean, "benchmark merge should be clean"
    assert any(calls) == expect_fine, "benchmark case does not exercise what it says"


def run(rows: list[tuple[str, Callable[[], object]]], repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name, _ in rows}
    for _, fn in rows:  # warm up
        fn()
    for _ in range(repeat):
        for name, fn in rows:
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--size", type=int, default=350_000, help="document size in bytes")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    text = generate_standard(args.size, seed=args.seed)
    rows = cases(text, args.seed)
    times = run(rows, args.repeat)
    base = statistics.median(times[BASELINE])

    print(
        f"document: {len(text.encode()) / 1000:.0f} KB, {text.count(chr(10)) + 1} lines; "
        f"median of {args.repeat} rounds"
    )
    width = max(len(name) for name, _ in rows)
    print(f"{'case':<{width}}  {'median ms':>9}  {'min ms':>7}  {'× markdown':>10}")
    print("-" * (width + 33))
    for name, _ in rows:
        median = statistics.median(times[name])
        print(
            f"{name:<{width}}  {median * 1000:9.2f}  {min(times[name]) * 1000:7.2f}"
            f"  {median / base:10.3f}"
        )


if __name__ == "__main__":
    main()
