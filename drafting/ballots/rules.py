"""The rule a ballot is decided by, and the count. Pure functions, exact fractions.

The default (settings ``BALLOT_*``; each association's bylaws differ):

- the ballot **passes** when at least ``BALLOT_PASS_RATIO`` (3/4) of the votes
  cast are in favour (赞成 and 赞成，有修改意见 both count in favour) **and** no
  more than ``BALLOT_MAX_AGAINST_RATIO`` (1/4) of the organizations entitled
  to vote vote against;
- abstentions are not votes cast unless ``BALLOT_ABSTENTIONS_COUNT`` is true
  (then an abstention is a vote cast that is not in favour);
- an organization that did not vote is neither;
- no vote cast at all: the ballot fails (nothing was approved).

Both comparisons are exact: ``for * d >= n * cast`` for a ratio n/d, so that
exactly three quarters passes and one vote less does not, with no floating
point in between. A ratio is written ``"3/4"``, ``"0.75"`` or as a
:class:`~fractions.Fraction`, and must lie in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from drafting.ballots.states import Choice

DEFAULTS = {
    "BALLOT_PASS_RATIO": "3/4",
    "BALLOT_MAX_AGAINST_RATIO": "1/4",
    "BALLOT_ABSTENTIONS_COUNT": False,
    "BALLOT_EXCLUDE_DRAFTING_UNITS": False,
}


def ratio(value: str | int | float | Decimal | Fraction) -> Fraction:
    """A ratio from the settings, exactly (a float goes through its decimal text: 0.75 is 3/4)."""
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Fraction(str(value).strip()) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"not a ratio: {value!r} (write it as 3/4 or 0.75)") from None
    if not 0 <= result <= 1:
        raise ValueError(f"a ratio lies between 0 and 1: {value!r}")
    return result


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


@dataclass(frozen=True)
class Rule:
    pass_ratio: Fraction = Fraction(3, 4)
    max_against_ratio: Fraction = Fraction(1, 4)
    abstentions_count: bool = False
    exclude_drafting_units: bool = False

    @classmethod
    def from_config(cls, config: Mapping) -> Rule:
        def get(name):
            value = config.get(name)
            return DEFAULTS[name] if value is None else value

        return cls(
            pass_ratio=ratio(get("BALLOT_PASS_RATIO")),
            max_against_ratio=ratio(get("BALLOT_MAX_AGAINST_RATIO")),
            abstentions_count=_flag(get("BALLOT_ABSTENTIONS_COUNT")),
            exclude_drafting_units=_flag(get("BALLOT_EXCLUDE_DRAFTING_UNITS")),
        )


@dataclass(frozen=True)
class Tally:
    entitled: int
    cast: int
    votes_for: int  # every vote in favour, with comments or not
    for_with_comments: int  # part of votes_for
    against: int
    abstain: int
    not_voted: int
    passed: bool


def tally(choices: Iterable[Choice | str], entitled: int, rule: Rule) -> Tally:
    """Count the votes (one choice per organization that voted) of ``entitled`` organizations."""
    counts = dict.fromkeys(Choice, 0)
    for choice in choices:
        counts[Choice(choice)] += 1
    votes_for = counts[Choice.FOR] + counts[Choice.FOR_WITH_COMMENTS]
    against, abstain = counts[Choice.AGAINST], counts[Choice.ABSTAIN]
    voted = votes_for + against + abstain
    cast = votes_for + against + (abstain if rule.abstentions_count else 0)
    p, a = rule.pass_ratio, rule.max_against_ratio
    enough_for = cast > 0 and votes_for * p.denominator >= p.numerator * cast
    few_against = against * a.denominator <= a.numerator * entitled
    return Tally(
        entitled=entitled,
        cast=cast,
        votes_for=votes_for,
        for_with_comments=counts[Choice.FOR_WITH_COMMENTS],
        against=against,
        abstain=abstain,
        not_voted=max(entitled - voted, 0),
        passed=enough_for and few_against,
    )
