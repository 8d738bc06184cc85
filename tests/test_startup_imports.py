"""Web workers start without the export libraries (issue 14): openpyxl,
WeasyPrint, python-docx and the formula renderer are loaded by the code that
writes a spreadsheet, a PDF, a .docx or a formula, not by `create_app()`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "weasyprint", "docx", "pypandoc", "ziamath", "latex2mathml")

CODE = """
import json, sys
import drafting
after_import = [m for m in {heavy!r} if m in sys.modules]
from drafting import create_app
create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///{db}", "SECRET_KEY": "x",
            "UPLOAD_DIR": "{tmp}/u", "EXPORT_DIR": "{tmp}/e"}})
print(json.dumps({{"import": after_import, "create_app": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def _loaded(tmp_path, code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_create_app_loads_no_export_library(tmp_path):
    code = CODE.format(heavy=HEAVY, db=tmp_path / "a.db", tmp=tmp_path)
    assert _loaded(tmp_path, code) == {"import": [], "create_app": []}


def test_the_code_that_needs_them_still_loads_them(tmp_path):
    code = CODE.format(heavy=HEAVY, db=tmp_path / "a.db", tmp=tmp_path).replace(
        "print(json.dumps(",
        "from drafting.word import export_docx\n"
        "from drafting.standardtext.math import tex_svg\n"
        "assert tex_svg('x^2', False).svg\n"
        "print(json.dumps(",
    )
    loaded = _loaded(tmp_path, code)
    assert {"docx", "ziamath", "latex2mathml"} <= set(loaded["create_app"])
