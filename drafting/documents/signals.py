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
#: The document moved to another stage: sender is the document; ``old``, ``new``,
#: ``actor``, ``reason`` and ``override_checks`` (see ``core.statemachine``).
stage_moved = _signals.signal("stage-moved")
#: The secretariat changed the document's settings: sender is the document,
#: ``changed`` the names of the changed fields, ``actor`` who changed them.
settings_changed = _signals.signal("settings-changed")

#: The document is about to move to another stage (sent inside the transaction, before
#: the move): sender is the document; ``to`` the new stage, ``actor``, ``override`` (the
#: secretariat overrides the gates, with a ``reason``). A receiver refuses the move by
#: raising ``drafting.core.errors.Refused``; one that allows an override audits it.
stage_moving = _signals.signal("stage-moving")
