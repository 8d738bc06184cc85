"""Word in and out: a standard as a .docx laid out per GB/T 1.1-2020, and a .docx back to our dialect.

- :func:`export_docx` — Markdown + metadata → .docx (``export.py``, styles in ``styles.py``).
- :func:`import_docx` — .docx → Markdown, cover fields, images and findings (``importer.py``).
"""

from drafting.word.export import export_docx

__all__ = ["export_docx"]
