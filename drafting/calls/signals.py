"""What calls announce to the packages above them (blinker signals).

A call knows nothing of applications: `applications` connects its receivers
at app creation (`drafting.applications.notify.connect_signals`).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with the call as sender after its deadline was moved later (in the transaction).
deadline_extended = _signals.signal("call-deadline-extended")
#: The call moved to another state (in the transaction): sender is the call;
#: ``old``, ``new``, ``actor``, ``reason``.
call_moved = _signals.signal("call-moved")
