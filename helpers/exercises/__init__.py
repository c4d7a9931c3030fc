"""Programming exercises for :mod:`helpers.check`, declared in ``nbNN.py`` (notebook NN).

The framework itself (cases, the guard, the comparison) is in ``_framework.py``; this
package's face is what ``check`` and the grading tools call.
"""

from helpers.exercises._framework import find, judge, refusal

__all__ = ["find", "judge", "refusal"]
