"""The points of each exercise, declared once (both grading routes read them: docs/teaching.md).

Programming exercises carry the points: the check runs the student's function on
cases drawn at grading time from the instructor's seed, so a student cannot read
the answer off anything they have. Value exercises (``answer_k``, ``prediction_k``)
are practice, 0 points: their expected values ship in ``helpers/exercises/NN.json``
for self-checking, so a student could look them up.
"""

from __future__ import annotations

__all__ = ["DEFAULT_POINTS", "POINTS", "points_of"]

#: Points of a programming exercise that POINTS does not list.
DEFAULT_POINTS = 1
#: exercise -> points, for the programming exercises that weigh more (or less) than the default.
POINTS: dict[str, int] = {
    "00.3": 1,  # the warm-up
    "06.2": 3,  # the backward pass of a whole network: notebook 06's central algorithm
    "06.3": 2,  # an epoch of mini-batch gradient descent
}


def points_of(exercise: str) -> int:
    """The points a correct answer to the programming exercise ``exercise`` earns."""
    points = POINTS.get(exercise, DEFAULT_POINTS)
    if not isinstance(points, int) or isinstance(points, bool) or points < 0:
        raise ValueError(f"points of {exercise} must be a whole number >= 0, got {points!r}")
    return points
