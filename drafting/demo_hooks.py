"""Domains append functions here that add their demo data (calls, documents)."""

HOOKS: list = []
