"""Every programming exercise, checked as the issue asks: the notebook's solution, a
correct rewrite, each usual mistake, a raising function, the stub and a function
that calls the package's own implementation.

The exercises are found from the notebooks: a code cell ``check("NN.k", name)``
whose exercise is declared in ``helpers/exercises/nbNN.py``, and the ``solution``
cell that defines ``name`` (its source is run on its own: a solution function
uses only its arguments, numpy and what it imports).
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from helpers import exercises
from helpers.check import verdict
from helpers.exercises._framework import REGISTRY, differ, exercise
from helpers.exercises._framework import lesson_keys as framework_lesson_keys
from tools.editions import stub
from tools.grading.discover import as_python
from tools.notebooks import course_notebooks

ROOT = Path(__file__).parents[1]
NOTEBOOKS = course_notebooks()


def _cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [dict(c, source="".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def _function_checks() -> list[tuple[str, str, str]]:
    """(exercise, function name, solution cell source) of every programming exercise."""
    found = []
    for path in NOTEBOOKS:
        cells = _cells(path)
        for cell in cells:
            for node in ast.walk(ast.parse(cell["source"])):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check"):
                    continue
                name, answer = node.args[0].value, node.args[1]
                if not isinstance(answer, ast.Name) or exercises.find(name) is None:
                    continue
                defining = [
                    c["source"]
                    for c in cells
                    if "solution" in c.get("metadata", {}).get("tags", [])
                    and f"def {answer.id}(" in c["source"]
                ]
                assert len(defining) == 1, f"{path.name}: one solution cell defines {answer.id}"
                found.append((name, answer.id, defining[0]))
    return found


CHECKS = _function_checks()
IDS = [name for name, _, _ in CHECKS]


def _define(source: str, function: str):
    namespace: dict = {"np": np}
    exec(compile(source, f"<solution of {function}>", "exec"), namespace)
    return namespace[function]


def _rewrites(name: str) -> tuple[list, list]:
    """The correct rewrites of ``name`` and its wrong answers that are no usual mistake."""
    module = importlib.import_module(f"tests.rewrites.nb{name.split('.')[0]}")
    return module.REWRITES.get(name, []), module.WRONG.get(name, [])


def _as_a_student_writes(wrong):
    """A declared usual mistake as a student's cell defines it: its source, compiled again.

    Not the declaration's own function: the check must know the mistake by its output.
    """
    name = wrong.__name__.lstrip("_")
    source = textwrap.dedent(inspect.getsource(wrong))
    source = source.replace(f"def {wrong.__name__}(", f"def {name}(", 1)
    namespace = dict(vars(sys.modules[wrong.__module__]))  # its helpers, as a cell above
    exec(compile(source, f"<cell defining {name}>", "exec"), namespace)
    return namespace[name]


def _changing_its_input(correct):
    """``correct``, then a change to every array (or list of numbers) it was given."""

    def change(value, seen):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, np.ndarray) and value.size and value.flags.writeable:
            value.flat[0] = value.flat[0] + 1 if value.dtype != bool else not value.flat[0]
        elif isinstance(value, list) and value and isinstance(value[0], int | float):
            value[0] += 1  # a list of numbers, such as layer sizes
        elif isinstance(value, list | tuple):
            for item in value:
                change(item, seen)

    def answer(*args, **kwargs):
        out = correct(*args, **kwargs)
        change(args, set())
        return out

    return answer


def test_every_declared_exercise_is_in_a_notebook() -> None:
    declared = set()
    for path in (ROOT / "helpers" / "exercises").glob("nb*.py"):
        importlib.import_module(f"helpers.exercises.{path.stem}")
    declared = set(REGISTRY)
    assert declared == set(IDS), "declared in helpers/exercises but checked by no notebook cell"
    per_notebook = {p.name[:2]: sum(i.startswith(p.name[:2]) for i in IDS) for p in NOTEBOOKS}
    assert per_notebook.get("00", 0) >= 1
    # (the other notebooks' counts are held by test_every_notebook_has_its_exercises)


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_the_notebook_says_the_declared_number_and_title(name, function, source) -> None:
    """The solution cell (and the student's stub) opens with "# Exercise k: <title>."."""
    first = source.splitlines()[0]
    declared = f"# Exercise {name.split('.')[1]}: {exercises.find(name).title}."
    assert first == declared, f"{name}: the notebook says {first!r}, nbNN.py {declared!r}"


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_the_solution_and_rewrites_are_correct_on_any_seed(name, function, source) -> None:
    solution = _define(source, function)
    rewrites, _ = _rewrites(name)
    assert rewrites, f"tests/rewrites: no correct rewrite of {name}"
    for answer in [solution, *rewrites]:
        for seed in (None, 1, 2024):
            status, message = verdict(name, answer, seed=seed)
            assert status == "correct", f"{answer.__name__} (seed {seed}): {message}"


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_each_usual_mistake_gets_its_own_hint(name, function, source) -> None:
    ex = exercises.find(name)
    assert len(ex.mistakes) >= 2, f"{name}: name the two or three usual mistakes"
    hints = [hint for _, hint in ex.mistakes]
    assert len(set(hints)) == len(hints)
    for wrong, hint in ex.mistakes:
        for answer in (wrong, _as_a_student_writes(wrong)):
            status, message = verdict(name, answer)
            assert status == "not yet" and hint in message, f"{wrong.__name__}: {message}"


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_wrong_answers_that_are_no_usual_mistake_are_not_yet(name, function, source) -> None:
    """An input changed in place (generated), and tests/rewrites' other wrong answers."""
    rewrites, wrong = _rewrites(name)
    status, message = verdict(name, _changing_its_input(rewrites[0]))
    assert status == "not yet" and "changed its input in place" in message, message
    for answer, words in wrong:
        status, message = verdict(name, answer)
        assert status == "not yet" and words in message, f"{answer.__name__}: {message}"


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_raising_stub_and_package_calls_are_not_correct(name, function, source) -> None:
    ex = exercises.find(name)

    def raising(*args, **kwargs):
        return 1 / 0

    status, message = verdict(name, raising)
    assert status == "not yet"
    assert message.startswith("Not yet: your function raised ZeroDivisionError"), message

    student = _define(stub(source), function)
    assert verdict(name, student) == ("no answer", "No answer yet")
    assert verdict(name, None) == ("no answer", "No answer yet")
    not_a_function = "Not yet: the answer should be a function, got int"
    assert verdict(name, 5) == ("not yet", not_a_function)

    def calls_package(*args, **kwargs):
        return ex.reference(*args, **kwargs)

    status, message = verdict(name, calls_package)
    assert status == "not yet" and "write it yourself" in message, message
    status, message = verdict(name, ex.reference)
    assert status == "not yet" and "write it yourself" in message, message


def test_integers_are_compared_exactly() -> None:
    big = 131_441_742_944_978_760  # a product of six layer sizes: beyond float's 2**53
    assert differ(big, big, 1e-6, 1e-9) == ""
    assert differ(big, big + 1, 1e-6, 1e-9) != ""
    assert differ(178_110, np.int64(178_110), 1e-6, 1e-9) == ""
    assert "should have the keys" in differ({"a": 1}, {1: 1, "b": 2}, 1e-6, 1e-9)


def test_scikit_learns_own_estimators_are_guarded_without_importing_scikit_learn() -> None:
    import subprocess
    import sys

    code = "import sys, helpers.exercises.nb01; print('sklearn' in sys.modules)"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert imported.stdout.strip() == "False", imported.stderr

    def diagonal(X, resp, reg_covar):
        from sklearn.mixture import _gaussian_mixture as sk

        nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
        means = resp.T @ X / nk[:, None]
        covariances = sk._estimate_gaussian_covariances_diag(resp, X, nk, means, reg_covar)
        return nk / len(X), means, covariances

    status, message = verdict("01.7", diagonal)
    assert status == "not yet" and "write it yourself" in message, message
    assert "_estimate_gaussian_covariances_diag" in message, message


def _e_step_by_scikit_learn(X, weights, means, covariances):
    from sklearn.mixture import _gaussian_mixture as sk

    precisions_cholesky = sk._compute_precision_cholesky(covariances, "full")
    log_prob = sk._estimate_log_gaussian_prob(X, means, precisions_cholesky, "full")
    a = log_prob + np.log(weights)
    top = a.max(axis=1, keepdims=True)
    log_total = top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))
    return np.exp(a - log_total), log_total.mean()


def _e_step_by_gaussian_mixture(X, weights, means, covariances):
    from sklearn.mixture import GaussianMixture

    mixture = GaussianMixture(len(weights), covariance_type="full")
    mixture.weights_, mixture.means_, mixture.covariances_ = weights, means, covariances
    mixture.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(covariances))
    return mixture.predict_proba(X), mixture.score(X)


def _e_step_by_scipy(X, weights, means, covariances):
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    pairs = zip(means, covariances, strict=True)
    a = np.log(weights) + np.stack(
        [multivariate_normal(m, c).logpdf(X).reshape(len(X)) for m, c in pairs], axis=1
    )
    log_total = logsumexp(a, axis=1, keepdims=True)
    return np.exp(a - log_total), log_total.mean()


def _e_step_by_logsumexp(X, weights, means, covariances):
    from scipy.special import logsumexp

    d = X.shape[1]
    a = np.empty((len(X), len(weights)))
    for k, (mean, cov) in enumerate(zip(means, covariances, strict=True)):
        diff = X - mean
        maha = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
        log_det = np.linalg.slogdet(cov)[1]
        a[:, k] = np.log(weights[k]) - 0.5 * (d * np.log(2 * np.pi) + log_det + maha)
    log_total = logsumexp(a, axis=1, keepdims=True)
    return np.exp(a - log_total), log_total.mean()


def _e_step_by_fit_gmm(X, weights, means, covariances):
    from helpers.gmm import fit_gmm

    init = {"weights": weights, "means": means, "covariances": covariances}
    fit = fit_gmm(X, len(weights), init=init, reg_covar=0.0, max_iter=1)
    return fit.weights_, fit.log_likelihood[0]


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        (_e_step_by_scikit_learn, "_estimate_log_gaussian_prob"),
        (_e_step_by_gaussian_mixture, "sklearn.mixture._base"),
        (_e_step_by_scipy, "_multivariate.logpdf"),
        (_e_step_by_logsumexp, "logsumexp"),
        (_e_step_by_fit_gmm, "helpers.gmm"),
    ],
)
def test_01_e_step_refuses_the_libraries_e_steps_and_log_sum_exp(answer, named) -> None:
    status, message = verdict("01.1", answer)
    assert status == "not yet" and "write it yourself" in message, message
    assert named in message, message


def test_a_usual_mistake_is_a_function_of_its_own() -> None:
    """Not a lambda, a partial or a nested function: a def at the top of nbNN.py."""
    ex = exercises.find("00.3")
    for wrong in (lambda images, threshold: 0, functools.partial(abs), abs):
        with pytest.raises(ValueError, match="a usual mistake is a function of its own"):
            exercise("00.3", title=ex.title, why=ex.why, mistakes={wrong: "a hint"},
                     reference=ex.reference, cases=ex.cases)
    with pytest.raises(ValueError, match="points of 00.3 must be a whole number"):
        exercise("00.3", title=ex.title, why=ex.why, mistakes=dict(ex.mistakes), points=1.5,
                 reference=ex.reference, cases=ex.cases)
    assert exercises.find("00.3") is ex


def _roads_around_the_guard(ex) -> dict:
    """Answers that reach ``ex``'s reference by a road around the guard, by name."""
    import sys
    import threading
    import types

    reference = ex.reference

    def profile_off(*args, **kwargs):
        sys.setprofile(None)
        return reference(*args, **kwargs)

    def profile_off_for_a_moment(*args, **kwargs):
        hook = sys.getprofile()
        sys.setprofile(None)
        try:
            return reference(*args, **kwargs)
        finally:
            sys.setprofile(hook)

    def in_a_thread(*args, **kwargs):
        out = []
        thread = threading.Thread(target=lambda: out.append(reference(*args, **kwargs)))
        thread.start()
        thread.join()
        return out[0]

    def in_an_unwatched_thread(*args, **kwargs):
        hook = threading.getprofile()
        threading.setprofile(None)
        try:
            return in_a_thread(*args, **kwargs)
        finally:
            threading.setprofile(hook)

    def copied_code(*args, **kwargs):
        code = reference.__code__.replace(co_name="mine")
        closure, defaults = reference.__closure__, reference.__defaults__
        mine = types.FunctionType(code, reference.__globals__, "mine", defaults, closure)
        return mine(*args, **kwargs)

    roads = dict(
        profile_off=profile_off,
        profile_off_for_a_moment=profile_off_for_a_moment,
        in_a_thread=in_a_thread,
        in_an_unwatched_thread=in_an_unwatched_thread,
        copied_code=copied_code,
    )
    source = inspect.getsource(reference)
    if source.lstrip().startswith("def "):  # a named function: its source compiled again

        def compiled_again(*args, **kwargs):
            namespace = dict(reference.__globals__)
            exec(compile(textwrap.dedent(source), "<copy>", "exec"), namespace)
            return namespace[reference.__name__](*args, **kwargs)

        roads["compiled_again"] = compiled_again
    return roads


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_no_road_around_the_guard_gets_correct(name, function, source) -> None:
    """Switching the watch off (for good or a moment), threads, copies of the reference."""
    import sys

    ex = exercises.find(name)
    hook = sys.getprofile()
    for road, answer in _roads_around_the_guard(ex).items():
        status, message = verdict(name, answer)
        assert status == "not yet" and "write it yourself" in message, f"{road}: {message}"
        assert sys.getprofile() is hook, f"{road}: the check left the profile hook changed"
    status, message = verdict(name, _define(source, function))  # the guard is back in place
    assert status == "correct", message


def test_lessons_json_lists_every_lesson_cells_function() -> None:
    """check() knows the lesson functions from lessons.json: the lesson cells' own, now."""
    from tools.grading.discover import lesson_keys

    path = ROOT / "helpers" / "exercises" / "lessons.json"
    stale = "lessons.json is stale: run python -m tools.grading.discover --lessons"
    assert json.loads(path.read_text(encoding="utf-8")) == lesson_keys(), stale
    for notebook in NOTEBOOKS:  # the names, against the non-solution cells read with ast
        names = {
            node.name
            for cell in _cells(notebook)
            if "solution" not in cell.get("metadata", {}).get("tags", [])
            for node in ast.parse(as_python(cell["source"])).body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert set(framework_lesson_keys(notebook.name[:2])) == names, notebook.name


def test_a_lesson_function_is_refused_and_a_students_own_of_that_name_is_not() -> None:
    """In the notebook: a name of a lesson function counts while it holds the lesson's code."""
    import linecache

    found = [
        (path, cell["source"], node)
        for path in NOTEBOOKS
        if any(i.startswith(path.name[:2]) for i in IDS)
        for cell in _cells(path)
        if "solution" not in cell.get("metadata", {}).get("tags", [])
        for node in ast.parse(as_python(cell["source"])).body
        if isinstance(node, ast.FunctionDef)
    ]
    assert found, "no notebook with exercises has a lesson function"
    path, code, node = found[0]
    name, required = node.name, len(node.args.args) - len(node.args.defaults)
    exercise = next(i for i in IDS if i.startswith(path.name[:2]))
    calls = f"{name}(*[None] * {required})"
    answer = f"def answer(*args, **kwargs):\n    {calls}\n    return ref(*args)\n"
    own = f"def {name}(*args, **kwargs):\n    return None\n"
    lesson = ast.get_source_segment(as_python(code), node)
    for definition, words in [(lesson, f"calls {name}, a function of"), (own, "calls helpers")]:
        space = {"ref": exercises.find(exercise).reference, "np": np}
        for number, text in enumerate([definition, answer]):  # cells, as IPython keeps them
            file = f"<cell {number} of {name}>"
            linecache.cache[file] = (len(text), None, text.splitlines(True), file)
            exec(compile(text, file, "exec"), space)
        status, message = verdict(exercise, space["answer"])
        assert status == "not yet" and words in message, message


def test_library_softmaxes_are_refused_wherever_the_package_softmax_is_guarded() -> None:
    """scipy's softmax, log_softmax and logsumexp: declared once, by the function they copy."""
    special = pytest.importorskip("scipy.special")
    from helpers.mlp import softmax

    answers = {
        "softmax": lambda z: special.softmax(z, axis=1),
        "log_softmax": lambda z: np.exp(special.log_softmax(z, axis=1)),
        "logsumexp": lambda z: np.exp(z - special.logsumexp(z, axis=1, keepdims=True)),
    }
    named = [n for n in IDS if exercises.find(n).reference is softmax]
    assert named, "no exercise is the softmax"
    for name in named:
        for library, answer in answers.items():
            status, message = verdict(name, answer)
            assert status == "not yet" and f"scipy.special._logsumexp.{library}" in message


def test_refused_declares_a_library_equivalent_by_name_without_importing_it() -> None:
    """``_exercise(refused=...)``: "module:name prefix", guarded by file (here on 00.3's name)."""
    import subprocess
    import sys

    ex = exercises.find("00.3")
    exercise(
        "00.3",
        title=ex.title,
        why=ex.why,
        reference=lambda images, threshold: (images > threshold).sum(axis=(1, 2)),
        cases=lambda rng: {"one": (np.arange(8).reshape(2, 2, 2), 3)},
        mistakes=dict(ex.mistakes),
        refused=("numpy._core.numeric:count_nonzero",),
    )
    try:
        status, message = verdict("00.3", lambda im, t: np.count_nonzero(im > t, axis=(1, 2)))
        assert status == "not yet" and "count_nonzero" in message, message
        assert verdict("00.3", lambda im, t: (im > t).sum(axis=(1, 2)))[0] == "correct"
    finally:
        importlib.reload(importlib.import_module("helpers.exercises.nb00"))
    code = "import sys, helpers.exercises.nb04; print('scipy' in sys.modules)"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert imported.stdout.strip() == "False", imported.stderr


# --- notebook 06 ---------------------------------------------------------------------------


def test_06_1_needs_the_relu_mask() -> None:
    """Exercise 1 of 06 goes through a unit that is off: forgetting its mask is Not yet."""
    assert verdict("06.1", np.array([0.0, 4.0]))[0] == "correct"
    assert verdict("06.1", np.array([-8.0, 4.0]))[0] == "not yet"  # the mask of unit 1 forgotten
    assert verdict("06.1", 4.0)[0] == "not yet"  # the old exercise's one number


def test_06_uses_the_students_functions_only_inside_attempt() -> None:
    """Run all never stops in 06: every lesson cell that calls a student's function after its
    exercise calls it inside `with attempt(...)`."""
    path = ROOT / "notebooks" / "06_backpropagation.ipynb"
    functions = {function for name, function, _ in CHECKS if name.startswith("06.")}
    assert {"backward", "train_epoch", "tanh_backward", "momentum_step"} <= functions
    for cell in _cells(path):
        if "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        tree = ast.parse(cell["source"])
        guarded = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.With)
            and any("attempt" in ast.unparse(item.context_expr) for item in block.items)
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            used = isinstance(node, ast.Name) and node.id in functions
            is_check = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check"
            if is_check:
                guarded |= {id(n) for n in ast.walk(node)}
            if used and id(node) not in guarded and not _inside_a_def(tree, node):
                raise AssertionError(f"{node.id} used outside attempt: {cell['source'][:80]}")


def _inside_a_def(tree: ast.AST, target: ast.AST) -> bool:
    """Whether ``target`` is in the body of a function (run only when called)."""
    return any(
        isinstance(f, ast.FunctionDef | ast.Lambda) and any(n is target for n in ast.walk(f))
        for f in ast.walk(tree)
    )


def test_06_refuses_the_packages_backward_pass_and_training_loop() -> None:
    import helpers.backprop

    def backward(weights, zs, activations, y):
        return helpers.backprop.backward(weights, activations, y)

    def backward_via_a_copy(weights, zs, activations, y):
        return helpers.backprop.backward(list(weights), list(activations), y.copy())

    for answer in (backward, backward_via_a_copy):
        status, message = verdict("06.2", answer)
        assert status == "not yet" and "helpers.backprop.backward" in message, message

    def train_epoch(weights, biases, X, y, order, batch_size, lr, gradients):
        import contextlib

        from helpers.training import train

        with contextlib.suppress(TypeError):  # it is called, whatever comes of it
            train(None, X, y, epochs=1)

    status, message = verdict("06.3", train_epoch)
    assert status == "not yet" and "helpers.training.train" in message, message


def test_05_1_measures_memory_also_while_tracemalloc_already_traces() -> None:
    """A student's notebook (05 measures with tracemalloc) or a grader may trace already:
    the check still tells blocks from all rows at once, and leaves the tracing on."""
    import tracemalloc

    from tests.rewrites.nb05 import forward_blocks_list

    hint = "holds every row at once"
    mistake = next(wrong for wrong, words in exercises.find("05.1").mistakes if hint in words)
    forward_blocks_all_rows_at_once = _as_a_student_writes(mistake)

    tracemalloc.start()
    try:
        kept = np.zeros(1_000_000)  # memory traced before the check: not the student's
        assert verdict("05.1", forward_blocks_list)[0] == "correct"
        status, message = verdict("05.1", forward_blocks_all_rows_at_once)
        assert status == "not yet" and "holds every row at once" in message, message
        assert tracemalloc.is_tracing()
        del kept
    finally:
        tracemalloc.stop()
    assert verdict("05.1", forward_blocks_list)[0] == "correct"
    assert not tracemalloc.is_tracing()
