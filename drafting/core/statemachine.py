"""One shape for every state machine: calls, applications, documents, export jobs, ballots.

A :class:`StateMachine` holds what a domain says about its states — the
table of allowed moves, the guards of a move, what a move changes besides the
state, the audit action and the signal — and runs a move the same way
everywhere::

    lock the row → re-read the state → check the table → guards → prepare
    → set the state (and the move's effects) → flush → audit row → signal

Core knows no domain: the audit recorder and the signal are handed in by the
domain that builds the machine (``drafting.audit`` sits above core).

Guards are pure checks shared by :meth:`StateMachine.can_transition` (what a
template or the API shows) and :meth:`StateMachine.transition` (what the
service does): one returns ``None`` to allow the move, a message to refuse it
(code ``transition_not_allowed``), or raises a :class:`Refused` /
:class:`ServiceError` of its own when the caller needs a precise code
(``deadline_passed``, ``incomplete``…). ``prepare`` steps run only in a real
move, after the guards, and may be costly or announce the move (the
documents' ``stage_moving``); ``effects`` run once the move is certain.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from drafting.core.errors import Refused, ServiceError
from drafting.extensions import db

S = TypeVar("S", bound=enum.Enum)

#: The one error code of a move the table (or a plain guard) does not allow.
NOT_ALLOWED = "transition_not_allowed"


@dataclass
class Move(Generic[S]):
    """One move being made (or asked about): what the guards and effects see."""

    obj: Any
    old: S
    new: S
    actor: Any = None
    reason: str | None = None
    #: Keyword arguments of the domain's own (``now``, ``override_checks``…).
    extra: dict[str, Any] = field(default_factory=dict)
    #: Added to the audit row by guards and effects (``checks_overridden``…).
    audit: dict[str, Any] = field(default_factory=dict)
    #: What the domain's wrapper returns (a documents ``StageChange``…).
    result: Any = None


Step = Callable[[Move], "str | None"]


def lock_row(obj: Any, state_attr: str = "state") -> None:
    """Take ``obj``'s row lock and re-read its state.

    ``SELECT … FOR UPDATE`` on PostgreSQL: a concurrent move of the same row
    waits for this transaction, and the state read after the lock is the one
    committed last. SQLite's ``BEGIN IMMEDIATE`` already serialises writers
    (FOR UPDATE is not rendered there). Pending changes are flushed first, so
    that re-reading the row does not throw them away.
    """
    db.session.flush()
    db.session.refresh(obj, [state_attr], with_for_update=True)


_MACHINES: dict[type, StateMachine] = {}


def machine_for(obj: Any) -> StateMachine:
    """The state machine of ``obj``'s model (each domain builds its own at import)."""
    for cls in type(obj).__mro__:
        if cls in _MACHINES:
            return _MACHINES[cls]
    raise LookupError(f"no state machine for {type(obj).__name__}")


def can_transition(obj: Any, to: Any, user: Any = None, **extra: Any) -> bool:
    """Whether ``user`` may move ``obj`` to ``to`` now (templates: ``can_transition(call,
    'archived', current_user)``); the same table and guards as the service."""
    return machine_for(obj).can_transition(obj, to, user, **extra)


class StateMachine(Generic[S]):
    """The states of one model, the moves between them and how a move is made."""

    def __init__(
        self,
        *,
        name: str,
        model: type,
        states: type[S],
        moves: Mapping[S, Iterable[S]],
        refused: Callable[[S, S], str],
        audit_action: str | Callable[[S], str | None] | None = None,
        recorder: Callable[..., Any] | None = None,
        signal: Any = None,
        guards: Mapping[S | tuple[S, S], Sequence[Step]] | None = None,
        prepare: Mapping[S | tuple[S, S], Sequence[Step]] | None = None,
        effects: Mapping[S | tuple[S, S], Sequence[Step]] | None = None,
        permission: Callable[[Any, Any, S], bool] | None = None,
        state_attr: str = "state",
        lock: Callable[[Any], None] | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.states = states
        self.moves: dict[S, tuple[S, ...]] = {s: tuple(moves.get(s, ())) for s in states}
        self._refused = refused
        self._audit_action = audit_action
        self._recorder = recorder
        self.signal = signal
        self._guards = dict(guards or {})
        self._prepare = dict(prepare or {})
        self._effects = dict(effects or {})
        self._permission = permission
        self.state_attr = state_attr
        self._lock = lock or (lambda obj: lock_row(obj, state_attr))
        _MACHINES[model] = self

    # --- reading ---------------------------------------------------------------

    def allowed(self, state: S | str) -> tuple[S, ...]:
        """The states the table lets ``state`` move to."""
        return self.moves[self.states(state)]

    def state_of(self, obj: Any) -> S:
        return self.states(getattr(obj, self.state_attr))

    def _steps(self, table: Mapping, old: S, new: S) -> list[Step]:
        return [*table.get(new, ()), *table.get((old, new), ())]

    def refusal(self, obj: Any, to: S | str, user: Any = None, **extra: Any) -> str | None:
        """Why ``user`` may not move ``obj`` to ``to`` now (a message), or None if they may.

        The table, the permission (when a user is given) and the guards; not the
        ``prepare`` steps, which only a real move runs.
        """
        try:
            new = self.states(to)
        except ValueError:
            return f"{self.name}: no state {to!r}"  # a programming error, not a user's
        old = self.state_of(obj)
        if new not in self.moves[old]:
            return self._refused(old, new)
        if (
            user is not None
            and self._permission is not None
            and not self._permission(user, obj, new)
        ):
            return self._refused(old, new)
        move = Move(obj, old, new, actor=user, extra=extra)
        for guard in self._steps(self._guards, old, new):
            try:
                message = guard(move)
            except ServiceError as exc:
                return exc.message
            if message:
                return message
        return None

    def can_transition(self, obj: Any, to: S | str, user: Any = None, **extra: Any) -> bool:
        """Whether the move is allowed now: for templates and the API (no side effects)."""
        return self.refusal(obj, to, user, **extra) is None

    # --- moving ------------------------------------------------------------------

    def transition(
        self,
        obj: Any,
        to: S | str,
        *,
        actor: Any,
        reason: str | None = None,
        lock: bool = True,
        **extra: Any,
    ) -> Move[S]:
        """Move ``obj`` to ``to`` under its row lock; refuse with a clear message.

        Raises :class:`Refused` (code ``transition_not_allowed``) when the table
        does not allow the move from the state read under the lock, or whatever
        a guard raises. Returns the :class:`Move` (``move.result`` is what an
        effect left there).
        """
        new = self.states(to)
        if lock:
            self._lock(obj)
        old = self.state_of(obj)
        if new not in self.moves[old]:
            raise Refused(self._refused(old, new), code=NOT_ALLOWED)
        move: Move[S] = Move(obj, old, new, actor=actor, reason=reason, extra=extra)
        for step in (
            *self._steps(self._guards, old, new),
            *self._steps(self._prepare, old, new),
        ):
            message = step(move)
            if message:
                raise Refused(message, code=NOT_ALLOWED)
        setattr(obj, self.state_attr, new)
        for effect in self._steps(self._effects, old, new):
            effect(move)
        db.session.flush()
        action = self._audit_action(new) if callable(self._audit_action) else self._audit_action
        if self._recorder is not None and action is not None:
            self._recorder(
                actor, action, obj, old=str(old), new=str(new), reason=reason, **move.audit
            )
        if self.signal is not None:
            self.signal.send(obj, old=old, new=new, actor=actor, reason=reason, **extra)
        return move
