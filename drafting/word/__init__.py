"""Word in and out: a standard as a .docx laid out per GB/T 1.1-2020, and a .docx back to our dialect.

- :func:`export_docx` — Markdown + metadata → .docx (``export.py``, styles in ``styles.py``).
- :func:`import_docx` — .docx → Markdown, cover fields, images and findings (``importer.py``).
"""

from __future__ import annotations

__all__ = ["export_docx"]


def __getattr__(name: str):
    # python-docx is loaded by the code that writes or reads a .docx, not when
    # the app starts (web workers never need it).
    if name == "export_docx":
        from drafting.word.export import export_docx  # noqa: PLC0415  (deferred: heavy)

        return export_docx
    raise AttributeError(name)
