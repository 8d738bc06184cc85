"""Rendering a revision for the document pages, cached by its content.

A revision is immutable, so its rendering depends only on its text and on
the document's image names; the pages that show it (overview, revision,
comments) render the same text again and again. A small per-process cache
keyed by the text's SHA-256 serves repeats: correct on every instance, since
nothing in it can go stale, and bounded in size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from drafting.documents import services
from drafting.documents.models import Revision, StandardDocument
from drafting.standardtext import Rendered, render

CACHE_SIZE = 32

_cache: OrderedDict[tuple, Rendered] = OrderedDict()
_lock = threading.Lock()


def images_of(document: StandardDocument) -> dict:
    """What render() and build_html() need to show the document's figures from the attachment route."""
    names = {a.name for a in services.attachments_of(document)}
    return {
        "attachment_url": lambda name: url_for(
            "documents.attachment", document_id=document.id, name=name
        ),
        "attachments": names,
    }


def placeholder_labels() -> dict[str, str]:
    """Placeholders for images that cannot be shown, in the reader's language."""
    return {
        "missing": _("[missing attachment: %(name)s]"),
        "refused": _("[image not available: %(name)s]"),
    }


def rendered_revision(document: StandardDocument, revision: Revision) -> Rendered:
    images = images_of(document)
    # The placeholders are worded in the reader's language: part of the key.
    key = (revision.sha256, document.id, frozenset(images["attachments"]), str(get_locale()))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = render(revision.text, **images, placeholders=placeholder_labels())
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear_cache() -> None:
    with _lock:
        _cache.clear()
