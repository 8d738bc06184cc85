"""What applications announce (blinker signals), sent inside the transaction.

Mail to the applicants is sent by receivers in :mod:`drafting.applications.notify`
(connected at app creation), not by the services that make the moves.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: The application moved to another state: sender is the application; ``old``,
#: ``new``, ``actor``, ``reason`` (the return message of a return for changes)
#: and what the mover adds (``decisions``: the published decisions, ``now``).
application_moved = _signals.signal("application-moved")
