"""The rule at its boundaries, counted exactly (no floating point)."""

from fractions import Fraction

import pytest

from drafting.ballots.rules import Rule, ratio, tally
from drafting.ballots.states import Choice

F, FC, A, X = Choice.FOR, Choice.FOR_WITH_COMMENTS, Choice.AGAINST, Choice.ABSTAIN
DEFAULT = Rule()


def votes(f=0, fc=0, a=0, x=0):
    return [F] * f + [FC] * fc + [A] * a + [X] * x


def test_exactly_three_quarters_in_favour_passes():
    # 3 of 4 cast in favour, 1 against of 8 entitled (1/8 <= 1/4).
    t = tally(votes(f=3, a=1), 8, DEFAULT)
    assert (t.cast, t.votes_for, t.against, t.not_voted) == (4, 3, 1, 4)
    assert t.passed


def test_one_under_three_quarters_fails():
    # 74/100 … in small numbers: 2 of 3 cast in favour (0.666…) fails; 8 of 11 (0.727) fails.
    assert not tally(votes(f=2, a=1), 12, DEFAULT).passed
    assert not tally(votes(f=8, a=3), 40, DEFAULT).passed


def test_one_over_three_quarters_passes():
    assert tally(votes(f=4, a=1), 20, DEFAULT).passed  # 4/5


def test_against_exactly_a_quarter_of_those_entitled_passes():
    # 12 for, 4 against: 12/16 = 3/4 cast in favour; 4/16 entitled against = exactly 1/4.
    t = tally(votes(f=12, a=4), 16, DEFAULT)
    assert t.passed


def test_against_one_over_a_quarter_of_those_entitled_fails():
    # 15 for of 20 cast (3/4 exactly) but 5 against of 19 entitled > 1/4.
    t = tally(votes(f=15, a=5), 19, DEFAULT)
    assert Fraction(t.votes_for, t.cast) == Fraction(3, 4)
    assert not t.passed


def test_comments_count_in_favour():
    t = tally(votes(f=1, fc=2, a=1), 4, DEFAULT)
    assert (t.votes_for, t.for_with_comments, t.cast) == (3, 2, 4)
    assert t.passed


def test_abstentions_are_not_votes_cast_by_default():
    # 3 for, 1 against, 2 abstain of 8: cast 4, 3/4 → passes.
    t = tally(votes(f=3, a=1, x=2), 8, DEFAULT)
    assert (t.cast, t.abstain, t.not_voted) == (4, 2, 2)
    assert t.passed


def test_abstentions_count_when_the_setting_says_so():
    rule = Rule(abstentions_count=True)
    t = tally(votes(f=3, a=1, x=2), 8, rule)
    assert t.cast == 6 and not t.passed  # 3/6 < 3/4
    # 6 for and 2 abstentions of 8: 6/8 exactly → passes.
    assert tally(votes(f=6, x=2), 8, rule).passed


def test_no_votes_cast_fails():
    assert not tally([], 5, DEFAULT).passed
    t = tally(votes(x=3), 5, DEFAULT)  # only abstentions: nothing cast
    assert t.cast == 0 and not t.passed
    assert tally([], 0, DEFAULT).passed is False


def test_ratios_from_settings_are_exact():
    assert ratio("3/4") == Fraction(3, 4)
    assert ratio("0.75") == Fraction(3, 4)
    assert ratio(0.75) == Fraction(3, 4)
    assert ratio("2/3") == Fraction(2, 3)
    for bad in ("abc", "5/4", "-1/4", "1/0"):
        with pytest.raises(ValueError):
            ratio(bad)


def test_rule_from_config():
    rule = Rule.from_config(
        {
            "BALLOT_PASS_RATIO": "2/3",
            "BALLOT_MAX_AGAINST_RATIO": "0.2",
            "BALLOT_ABSTENTIONS_COUNT": "true",
        }
    )
    assert rule == Rule(Fraction(2, 3), Fraction(1, 5), True, False)
    assert Rule.from_config({}) == Rule()
    # 2 of 3 exactly passes under 2/3.
    assert tally(votes(f=2, a=1), 10, rule).passed
