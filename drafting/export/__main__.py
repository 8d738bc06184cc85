"""By hand: ``python -m drafting.export in.md out.pdf`` exports a Markdown file
through a one-worker pool (same limits and layout as the app, placeholder metadata)."""

import sys
from pathlib import Path

from drafting.export.job import WorkerInput
from drafting.export.meta import DocumentMeta
from drafting.export.worker import ExportLimits, ExportPool


def main(source: Path, target: Path) -> None:
    meta = DocumentMeta("中国电子节能技术协会", "T/CESA", "T/CESA 0000—2026", source.stem)
    pool = ExportPool(ExportLimits(workers=1))
    try:
        result = pool.run(WorkerInput.make(meta, source.read_text(encoding="utf-8")))
    finally:
        pool.close()
    target.write_bytes(result.pdf)
    print(f"{result.pages} pages in {result.seconds:.2f} s, peak {result.peak_rss >> 20} MiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
