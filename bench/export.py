"""Export benchmark: our pipeline against raw WeasyPrint on the same HTML.

    .venv/bin/python bench/export.py [--pages 130] [--runs 3] [--profile]

Prints, side by side in one run: Markdown rendering, raw WeasyPrint on the
exact HTML we produce (in this process, warmed up), our export through the
worker pool with a cold cache (warm worker), the ratio of the two (goal
≤ 1.15×), the cached second export, a first export on a brand-new pool, and
the worker's peak memory. Raw and ours alternate so that load on the machine
hits both alike; the minimum of the runs is the figure compared.

``--profile`` adds a cProfile breakdown of one raw WeasyPrint run by phase.

``--editor`` instead prints how long an editor waits for the PDF after saving,
through the app's export jobs (SQLite, the in-process queue): exporting at
once, and after the document went idle with speculative exports on (the
speculation runs first, as `flask jobs speculate` would).

``--memory`` instead prints an export process's peak memory for the document
(address space, which the limit caps, and resident), to size
EXPORT_MEMORY_LIMIT_MB.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import multiprocessing
import pstats
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# bench/docx.py would shadow python-docx, which the app's Word export imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from weasyprint import HTML  # noqa: E402

from drafting.export import (  # noqa: E402
    DocumentMeta,
    ExportLimits,
    ExportPool,
    Stage,
    build_html,
    export,
)
from drafting.export.assemble import STATIC_DIR  # noqa: E402
from drafting.export.job import WorkerInput, _virtual_peak, run_job  # noqa: E402
from drafting.standardtext import SKELETON, render  # noqa: E402
from drafting.standardtext.sample import generate_standard, sample_attachments  # noqa: E402

META = DocumentMeta(
    association_name="中国电子节能技术协会",
    association_code="T/CESA",
    number="T/CESA 1234—2026",
    title_zh="用能设备能效评价技术规范",
    title_en="Technical specification for energy efficiency evaluation of energy-using equipment",
    ics="27.010",
    ccs="F 01",
    stage=Stage.DRAFT_FOR_COMMENTS,
    drafting_units=("中国电子节能技术协会", "华能节能科技股份有限公司", "国家节能设备检测中心"),
    drafters=("张三", "李四", "王五", "赵六"),
)

# Phases of a WeasyPrint run, by the functions that start them.
_PHASES = [
    ("parse HTML + cascade styles", "css/__init__.py", "get_all_computed_styles"),
    ("build boxes", "formatting_structure/build.py", "build_formatting_structure"),
    ("layout (pagination)", "layout/__init__.py", "layout_document"),
    ("  of which text line breaking (Pango)", "text/line_break.py", "split_first_line"),
    ("  of which tables", "layout/table.py", "table_layout"),
    ("write_pdf", "document.py", "write_pdf"),
    ("  of which drawing pages", "document.py", "paint"),
    ("    of which drawing text", "draw/text.py", "draw_text"),
    ("  of which font subsetting (HarfBuzz)", "pdf/fonts.py", "clean"),
]


def raw_weasyprint(html: str, site: Path) -> tuple[bytes, float, float]:
    """WeasyPrint with its own fetcher, reading the same files from a real folder.
    Returns the PDF, wall seconds and CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    pdf = HTML(string=html, base_url=site.as_uri() + "/").write_pdf()
    return pdf, time.perf_counter() - started, time.process_time() - cpu_started


def make_site(folder: Path, attachments: dict[str, bytes]) -> Path:
    """static/ and attachments/ laid out as the export HTML expects them."""
    folder.mkdir()
    (folder / "static").symlink_to(STATIC_DIR)
    (folder / "attachments").mkdir()
    for name, data in attachments.items():
        (folder / "attachments" / name).write_bytes(data)
    return folder


def profile(html: str, site: Path) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    HTML(string=html, base_url=site.as_uri() + "/").write_pdf()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in stats.values())
    print("\ncProfile of one raw WeasyPrint run (cumulative, profiler overhead included):")
    for label, path, name in _PHASES:
        seconds = sum(
            v[3] for (file, _, func), v in stats.items() if file.endswith(path) and func == name
        )
        print(f"  {label:42s} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=130)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--editor", action="store_true", help="the editor's wait after saving")
    parser.add_argument("--memory", action="store_true", help="an export's peak memory")
    args = parser.parse_args()
    if args.editor:
        editor_wait(args.pages, args.runs)
        return
    if args.memory:
        peak_memory(args.pages)
        return

    text = generate_standard(args.pages)
    attachments = sample_attachments()
    started = time.perf_counter()
    render(text, attachments=attachments.keys())
    render_seconds = time.perf_counter() - started
    started = time.perf_counter()
    html = build_html(META, text, attachments=attachments.keys())
    html_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", attachments)
        raw_weasyprint(
            build_html(META, SKELETON), site
        )  # load the fonts, as the worker's warm-up does
        pool = ExportPool(ExportLimits(workers=1, time_limit=600, recycle_above_rss=8 << 30))
        pool.start()  # warm worker, as in production after the first export

        raw_times, our_times, raw_cpu, our_cpu, pages, peak = [], [], [], [], 0, 0
        for run in range(args.runs):
            gc.collect()  # neither side pays for the other's garbage
            _, seconds, cpu = raw_weasyprint(html, site)
            raw_times.append(seconds)
            raw_cpu.append(cpu)
            gc.collect()
            cpu_started = time.process_time()
            result = export(
                META, text, attachments=attachments, cache=Path(tmp) / f"cache{run}", pool=pool
            )
            our_times.append(result.seconds)
            # ours = this process (cache key, IPC) + the worker (render, HTML, PDF)
            our_cpu.append(time.process_time() - cpu_started + (result.worker_cpu_seconds or 0))
            pages, peak = result.pages or 0, max(peak, result.peak_rss or 0)
            print(
                f"  run {run + 1}: raw {seconds:6.2f} s wall {cpu:6.2f} s CPU   "
                f"ours {result.seconds:6.2f} s wall {our_cpu[-1]:6.2f} s CPU",
                flush=True,
            )
        cached = export(META, text, attachments=attachments, cache=Path(tmp) / "cache0", pool=pool)
        pool.close()

        cold_pool = ExportPool(ExportLimits(workers=1, time_limit=600))
        started = time.perf_counter()
        cold = export(META, text, attachments=attachments, pool=cold_pool)
        cold_seconds = time.perf_counter() - started
        cold_pool.close()

        raw_best, ours_best = min(raw_times), min(our_times)
        rows = [
            (
                "document",
                f"{args.pages} pages asked, {pages} laid out, {len(text.encode()) // 1024} KB Markdown",
            ),
            ("Markdown → body HTML (render)", f"{render_seconds:.3f} s"),
            ("Markdown → full HTML (build_html)", f"{html_seconds:.3f} s"),
            (
                "raw WeasyPrint, same HTML (min / median)",
                f"{raw_best:.2f} s / {statistics.median(raw_times):.2f} s",
            ),
            (
                "our export, cold cache, warm worker (min / median)",
                f"{ours_best:.2f} s / {statistics.median(our_times):.2f} s",
            ),
            ("ratio ours / raw, wall (min)", f"{ours_best / raw_best:.3f}×   (goal ≤ 1.15×)"),
            ("raw / ours CPU seconds (min)", f"{min(raw_cpu):.2f} s / {min(our_cpu):.2f} s"),
            (
                "ratio ours / raw, CPU (min) — robust to machine load",
                f"{min(our_cpu) / min(raw_cpu):.3f}×",
            ),
            (
                "second export (cache hit)",
                f"{cached.seconds * 1000:.1f} ms   (cached={cached.cached})",
            ),
            ("first export on a new pool (process start + warm-up)", f"{cold_seconds:.2f} s"),
            (
                "worker peak memory (ru_maxrss)",
                f"{peak / 2**20:.0f} MiB (new-pool run: {(cold.peak_rss or 0) / 2**20:.0f} MiB)",
            ),
        ]
        width = max(len(label) for label, _ in rows)
        print("\n" + "-" * (width + 40))
        for label, value in rows:
            print(f"{label:<{width}}  {value}")
        print("-" * (width + 40))
        if args.profile:
            profile(html, site)


def peak_memory(pages: int) -> None:
    """One export of a ``pages``-page standard in a fresh process, with no limit."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        laid_out, vm_peak, rss = pool.apply(_measure_memory, (pages,))
    print(f"{pages} pages asked, {laid_out} laid out")
    print(f"  peak address space (VmPeak, what the limit caps)  {vm_peak / 2**20:6.0f} MiB")
    print(f"  peak resident memory (ru_maxrss)                  {rss / 2**20:6.0f} MiB")


def _measure_memory(pages: int) -> tuple[int, int, int]:
    result = run_job(WorkerInput.make(META, generate_standard(pages), sample_attachments()))
    return result.pages, _virtual_peak(), result.peak_rss


def editor_wait(pages: int, runs: int) -> None:
    """Save a revision, then export it: at once, and after an idle spell with speculation."""
    # The web app only here: the export workers (and --memory's measuring process)
    # re-import this script, and these would add some 40 MiB to the memory it reports.
    from flask_migrate import upgrade  # noqa: PLC0415  (--editor only, see above)

    from drafting import create_app  # noqa: PLC0415  (--editor only)
    from drafting.core import transaction  # noqa: PLC0415  (--editor only)
    from drafting.core.timeutil import utcnow  # noqa: PLC0415  (--editor only)
    from drafting.documents import services as documents  # noqa: PLC0415  (--editor only)
    from drafting.extensions import db  # noqa: PLC0415  (--editor only)
    from drafting.jobs import services, speculation  # noqa: PLC0415  (--editor only)
    from tests.documents.factories import make_world  # noqa: PLC0415  (--editor only)

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "EXPORT_DIR": f"{tmp}/exports",
                "UPLOAD_DIR": f"{tmp}/uploads",
                "EXPORT_QUEUE": "eager",  # a job runs when its transaction commits
                "EXPORT_SPECULATE": True,
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        with app.app_context(), app.test_request_context():
            upgrade(revision="heads")
            world = make_world()
            document, editor = world.document, world.main_editor
            transaction.commit()
            services.request_export(document, document.head_revision, actor=editor)
            transaction.commit()  # warm the export processes, as in production

            def save(n: int) -> None:
                text = generate_standard(pages) + f"\n\n修改{n}。\n"
                documents.save_revision(document, text, document.head_revision_id, "", actor=editor)
                transaction.commit()

            def editor_exports() -> tuple[float, bool]:
                started = time.perf_counter()
                asked = services.request_export(document, document.head_revision, actor=editor)
                transaction.commit()  # eager: the job runs here, the editor waits
                db.session.expire_all()
                if asked.job is not None:
                    job = db.session.get(type(asked.job), asked.job.id)
                    assert services.result_file(job) is not None, job.error
                return time.perf_counter() - started, asked.cached_path is not None

            at_once, speculated = [], []
            for run in range(runs):
                save(2 * run)
                seconds, _ = editor_exports()
                at_once.append(seconds)
                save(2 * run + 1)
                document.updated_at = utcnow() - timedelta(minutes=10)  # the idle spell
                speculation.speculate_idle()
                transaction.commit()  # the speculation runs while nobody waits
                seconds, hit = editor_exports()
                assert hit, "the editor's export after the speculation was not a cache hit"
                speculated.append(seconds)
                print(
                    f"  run {run + 1}: at once {at_once[-1]:6.2f} s   "
                    f"idle + speculation {seconds * 1000:7.1f} ms",
                    flush=True,
                )
        print(f"\nEditor's wait for a {pages}-page PDF after saving (median of {runs}):")
        print(f"  export right after saving                    {statistics.median(at_once):8.2f} s")
        print(
            "  export after an idle spell, speculation on   "
            f"{statistics.median(speculated) * 1000:8.1f} ms (cache hit)"
        )


if __name__ == "__main__":
    main()
