"""What happens to a document that other packages may act on (blinker signals).

The documents package sends them and knows nothing of the receivers (the
export jobs' speculation connects in :mod:`drafting.jobs.speculation`).
Receivers run inside the sender's transaction: they change objects and flush,
and queue anything that must wait for the commit with ``transaction.after_commit``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A new head revision was stored: sender is the document, ``revision`` the new head.
revision_saved = _signals.signal("revision-saved")
#: The document moved to another stage: sender is the document, ``change`` the StageChange.
stage_moved = _signals.signal("stage-moved")
#: The secretariat changed the document's settings: sender is the document,
#: ``changed`` the names of the changed fields, ``actor`` who changed them.
settings_changed = _signals.signal("settings-changed")
