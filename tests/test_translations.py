"""Every user-facing string has a Chinese translation, with its placeholders."""

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from drafting import ROOT

PO = ROOT / "drafting" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog():
    with open(PO, "rb") as fh:
        return read_po(fh)


def test_catalogue_is_complete():
    missing = [
        m.id
        for m in _catalog()
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not missing, f"{len(missing)} strings lack a Chinese translation, e.g. {missing[:5]}"


def test_no_fuzzy_translations():
    fuzzy = [m.id for m in _catalog() if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy translations: {fuzzy[:5]}"


def test_placeholders_kept():
    for m in _catalog():
        if m.id and m.string and isinstance(m.id, str):
            assert set(PLACEHOLDER.findall(m.id)) == set(PLACEHOLDER.findall(m.string)), m.id


def test_source_strings_are_all_in_the_catalogue():
    """`make translations` was run after the last change to a user-facing string."""
    known = {(m.context, m.id) for m in _catalog() if m.id}
    method_map = [
        ("drafting/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        keywords={
            "_": None,
            "gettext": None,
            "_l": None,
            "lazy_gettext": None,
            "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2),
            "lazy_pgettext": ((1, "c"), 2),
        },
    ):
        found.add((_ctx, message if isinstance(message, str) else message[0]))
    new = sorted(str(m) for m in found - known)
    assert not new, f"strings not in the catalogue (run `make translations`): {new[:5]}"


def test_pages_render_in_chinese(client, db):
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "登录" in page
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Log in" in page and "登录" not in page
