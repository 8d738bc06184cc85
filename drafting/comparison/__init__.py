"""Comparing two revisions of a standard: the redline PDF and the 条文对照表 (XLSX, PDF)."""
