"""Grading handed-in notebooks (docs/teaching.md): the one-command route and the nbgrader route.

* :mod:`tools.grading.discover`: the graded exercises of a course notebook, and the
  student's definition of an exercise's function in a handed-in notebook;
* :mod:`tools.grading.judge`: the verdict on one answer, with the student's function
  run in a separate, fresh process (:mod:`tools.grading.sandbox`) and everything
  else (cases, expected values, comparisons) in the instructor's process;
* :mod:`tools.grading.bubblewrap`: the sandbox (bubblewrap, limits) every process
  that runs student code runs in, on both routes;
* :mod:`tools.grading.nbgrader_course`: the course notebooks as an nbgrader course.

``python -m tools.grade`` (``tools/grade.py``) grades a folder of hand-ins with them.
"""
