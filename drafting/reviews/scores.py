"""The score of an application, defined once.

For each requirement, the mean of the scores of the reviewers who rated it
(and how many did); the application's score is the mean of those
requirement means weighted by the requirements' weights, over the
requirements that at least one reviewer rated. A reviewer who rated one
requirement of four therefore counts for that requirement only, and a
requirement nobody rated neither raises nor lowers the score.

Ratings are keyed by the reviewer's id: two reviewers with the same name are
two reviewers. Names are for display only.

Every page, export and the API take their figures from `aggregate()`; the
queries in `reviews/queries.py` only load the ratings it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple


class Rated(NamedTuple):
    """One reviewer's score for one requirement of one application."""

    reviewer_id: int
    requirement_id: int
    score: int


@dataclass(frozen=True)
class RequirementScore:
    requirement_id: int
    weight: int
    mean: float
    rated_by: int
    low: int
    high: int

    @property
    def spread(self) -> int:
        return self.high - self.low


@dataclass(frozen=True)
class ReviewerScore:
    """A reviewer's own weighted mean over the requirements they rated (for display)."""

    reviewer_id: int
    score: float
    rated: int


@dataclass(frozen=True)
class Score:
    value: float | None
    requirements: dict[int, RequirementScore] = field(default_factory=dict)
    reviewers: dict[int, ReviewerScore] = field(default_factory=dict)
    assessments: int = 0

    def rated_by(self, requirement_id: int) -> int:
        r = self.requirements.get(requirement_id)
        return r.rated_by if r else 0

    @property
    def spread(self) -> float | None:
        """Largest difference between two reviewers' own scores."""
        values = [r.score for r in self.reviewers.values()]
        return max(values) - min(values) if values else None


def _weighted(means: dict[int, float], weights: dict[int, int]) -> float | None:
    total = sum(weights.get(r, 1) for r in means)
    if not means or total == 0:
        return None
    return sum(m * weights.get(r, 1) for r, m in means.items()) / total


def aggregate(ratings: Iterable[Rated], weights: dict[int, int]) -> Score:
    """The score of one application from its ratings; `weights` maps requirement id → weight.

    A requirement missing from `weights` weighs 1. A reviewer's second rating
    of the same requirement replaces the first (the table has one per pair).
    """
    by_pair: dict[tuple[int, int], int] = {}
    for reviewer_id, requirement_id, score in ratings:
        by_pair[(reviewer_id, requirement_id)] = score
    per_requirement: dict[int, list[int]] = {}
    per_reviewer: dict[int, dict[int, float]] = {}
    for (reviewer_id, requirement_id), score in by_pair.items():
        per_requirement.setdefault(requirement_id, []).append(score)
        per_reviewer.setdefault(reviewer_id, {})[requirement_id] = score
    requirements = {
        r: RequirementScore(
            requirement_id=r,
            weight=weights.get(r, 1),
            mean=sum(scores) / len(scores),
            rated_by=len(scores),
            low=min(scores),
            high=max(scores),
        )
        for r, scores in per_requirement.items()
    }
    reviewers = {}
    for reviewer_id, scores in per_reviewer.items():
        own = _weighted(scores, weights)
        if own is not None:
            reviewers[reviewer_id] = ReviewerScore(reviewer_id, own, len(scores))
    return Score(
        value=_weighted({r: x.mean for r, x in requirements.items()}, weights),
        requirements=requirements,
        reviewers=reviewers,
        assessments=len(by_pair),
    )


def format_score(value: float | None) -> str:
    """The one way a score is written on pages and in exports: two decimals, or a dash."""
    return "–" if value is None else f"{value:.2f}"
