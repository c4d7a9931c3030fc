"""Students' answers to the programming exercises that cannot be generated, for the tests.

``nbNN.py`` holds, for each programming exercise of notebook NN:

* ``REWRITES[name]``: correct functions written another way than the
  notebook's solution (loops, other names, other numpy calls): each must be
  ``Correct``;
* ``WRONG[name]``: ``(function, words)`` pairs, wrong answers that are no usual
  mistake (a dtype or shape the prose promises, a library's function, a tie)
  and words the verdict must contain.

The usual mistakes are not written here a second time: the tests generate a
student's copy of each mistake declared in ``helpers/exercises/nbNN.py``, and an
answer that changes its input in place from a correct rewrite.
"""
