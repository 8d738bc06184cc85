"""axe-core for the browser tests: fetched from the npm registry at test time
into tests/artifacts/axe (git-ignored), never served by the app.

The version is pinned; `npm pack` downloads the exact tarball once and later
runs reuse it.
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

AXE_VERSION = "4.10.2"
CACHE = Path(__file__).resolve().parents[1] / "artifacts" / "axe"
# Failing impacts: the bar is "no serious or critical violation".
FAILING = ("serious", "critical")


def axe_source() -> str:
    script = CACHE / f"axe-{AXE_VERSION}.min.js"
    if not script.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
        if not tarball.exists():
            result = subprocess.run(
                ["npm", "pack", f"axe-core@{AXE_VERSION}", "--silent"],
                cwd=CACHE,
                capture_output=True,
                text=True,
                timeout=180,
            )
            if result.returncode != 0 or not tarball.exists():
                raise RuntimeError(
                    f"npm pack axe-core@{AXE_VERSION} failed (the browser tests need it):\n"
                    f"{result.stdout}\n{result.stderr}"
                )
        with tarfile.open(tarball) as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None
            script.write_bytes(member.read())
    return script.read_text(encoding="utf-8")


def run_axe(page, source: str) -> list[dict]:
    """The serious and critical violations on the page: default rules plus target-size."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                rules: {"target-size": {enabled: true}},
                resultTypes: ["violations"],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n").slice(0, 3).join(" ")),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in FAILING]
