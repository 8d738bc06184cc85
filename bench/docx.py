"""Word benchmark: the 130-page standard exported to .docx and imported back,
beside pandoc's plain conversion of the same Markdown (both directions).

    .venv/bin/python bench/docx.py [--pages 130] [--runs 3]

pandoc (from pypandoc-binary) knows nothing of GB/T 1.1: it is the baseline
for what a plain Markdown ⇄ .docx conversion costs. The minimum of the runs
is the figure compared; the round trip is checked on the way.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is called docx.py: its folder must not shadow the python-docx package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

import pypandoc  # noqa: E402

from drafting.export import DocumentMeta, Stage  # noqa: E402
from drafting.standardtext.sample import generate_standard, sample_attachments  # noqa: E402
from drafting.word import export_docx  # noqa: E402
from drafting.word.importer import import_docx  # noqa: E402

META = DocumentMeta(
    association_name="中国电子节能技术协会",
    association_code="T/CESA",
    number="T/CESA 1234—2026",
    title_zh="用能设备能效评价技术规范",
    stage=Stage.DRAFT_FOR_COMMENTS,
)


def _timed(fn, runs: int):
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=130)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = generate_standard(args.pages)
    attachments = sample_attachments()
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "standard.md"
        md.write_text(text, encoding="utf-8")
        pandoc_docx = Path(tmp) / "pandoc.docx"
        os.chdir(tmp)  # pandoc resolves the figure relative to here
        for name, data in attachments.items():
            Path(tmp, name).write_bytes(data)

        ours_out, data = _timed(lambda: export_docx(META, text, attachments=attachments), args.runs)
        pandoc_out, _ = _timed(
            lambda: pypandoc.convert_file(
                str(md), "docx", format="markdown", outputfile=str(pandoc_docx)
            ),
            args.runs,
        )
        ours_in, result = _timed(lambda: import_docx(data), args.runs)
        pandoc_in, _ = _timed(
            lambda: pypandoc.convert_file(str(pandoc_docx), "markdown"), args.runs
        )
    same = result.text.strip() == text.strip()
    print(
        f"standard: {len(text)} characters of Markdown ({args.pages} pages), .docx {len(data) >> 10} KiB"
    )
    print(
        f"export  ours {ours_out:6.2f} s   pandoc {pandoc_out:6.2f} s   ratio {ours_out / pandoc_out:5.2f}×"
    )
    print(
        f"import  ours {ours_in:6.2f} s   pandoc {pandoc_in:6.2f} s   ratio {ours_in / pandoc_in:5.2f}×"
    )
    print(f"round trip gives back the same Markdown: {same}; findings: {len(result.findings)}")


if __name__ == "__main__":
    main()
