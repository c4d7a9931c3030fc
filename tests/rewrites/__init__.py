"""Students' answers to the programming exercises, written by hand for the tests.

``nbNN.py`` holds, for each programming exercise of notebook NN:

* ``REWRITES[name]``: correct functions written another way than the
  notebook's solution (loops, other names, other numpy calls): each must be
  ``Correct``;
* ``MISTAKES[name]``: ``(function, words)`` pairs, a wrong function as a
  student writes it and words the hint must contain: the check must recognise
  the usual mistake by its output, not by its code.
"""
