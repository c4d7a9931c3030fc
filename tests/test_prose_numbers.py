"""Numbers that never drift: every number the prose states is printed by a cell.

A number written in a markdown cell passes when

* a stored output of a nearby code cell shows it: one of the ``NEARBY`` code cells
  before the markdown cell or after it (a "## Summary" cell may restate a number
  printed anywhere in its notebook). Numbers are compared as numbers:
  "1,024" is 1024, "99.14%" matches a printed 99.14 or 0.9914, "3.5x" is 3.5, and
  the prose may round a printed value ("19" for 18.98, "4.6" for 4.565). Outputs are
  first masked with ``tests/sanitize.cfg``: a number that changes from run to run
  (a time, a speed ratio, a version) cannot be stated in prose;
* it is a literal in the notebook's code: an input the code states, not a result;
* or it is a fact that nothing measures, listed in ``ALLOWED`` (for every notebook)
  or ``ALLOWED_IN`` (for one notebook): the data set's sizes, version numbers.

Percentages that claim to add up ("... sum to 100%") must add up to 100, as written.

Not read as numbers: code spans and code blocks, link targets and URLs, HTML tags,
list numbers, the time estimate, whole numbers below 10 without a unit ("3 significant digits"),
zero-padded notebook numbers ("04-05"), years, and numbers named by the word before
them ("notebook 6", "section 12", "exercise 11").
"""

from __future__ import annotations

import configparser
import io
import re
import tokenize
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest

from tools.notebooks import course_notebooks, dashboards

ROOT = Path(__file__).parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = course_notebooks() + dashboards()

#: Facts true in every notebook: pixels per side and per image, largest byte, classes,
#: digits per class and in the sample, the official training, test and total sizes,
#: the training digits outside the sample, the network's hidden layer sizes.
ALLOWED = {"28", "784", "255", "10", "500", "5000", "60000", "10000", "70000", "55000",
           "200", "100"}
#: Facts of one notebook (its path relative to notebooks/), each with the reason.
ALLOWED_IN: dict[str, set[str]] = {
    # "40 points span at most 39 directions": n points span n - 1 after centring
    "01_covariance_conditioning.ipynb": {"39"},
    "02_hdf5_basics.ipynb": {"2.0"},  # "since HDF5 2.0": a version
    "03_mnist_digits.ipynb": {"23"},  # "rows 4 to 23": the inclusive end of [4:24]
    "04_mlp_architecture.ipynb": {"0.25"},  # the sigmoid's largest slope, a fact of calculus
    # the parameter count notebook 04 prints; "draft 2020-12", the JSON Schema version;
    # MNIST's recipe (a 20 x 20 box), which the drawing pad follows
    "05_batched_forward_pass.ipynb": {"178110", "12", "20"},
    # MNIST's recipe: a 20 x 20 box, the centre of mass on pixel (14, 14)
    "dashboards/draw_digit.ipynb": {"20", "14"},
}

_NUMBER = (
    r"(?<![\w.,])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:[eE](?P<exp>[-+\u2212]?\d+))?(?P<unit>\s?%|[x\u00d7](?!\w))?(?![\w])"
)
PROSE_NUMBER = re.compile(_NUMBER)
#: How many code cells before and after a markdown cell count as "nearby".
NEARBY = 3
SUMMARY = re.compile(r"(?m)^##\s+Summary\b")
#: A sentence that says its percentages add up to 100%.
SUMS_TO_100 = re.compile(r"(?:sum|add|total)\w*\b[^.%]*?\b100\s?%", re.IGNORECASE)
ANY_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")
REFERENCE_WORD = re.compile(
    r"(?:notebooks?|sections?|exercises?|questions?|steps?|chapters?|parts?|cells?|figures?)\s*$",
    re.IGNORECASE,
)


def _sanitizers() -> list[tuple[re.Pattern[str], str]]:
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tests" / "sanitize.cfg", encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


SANITIZERS = _sanitizers()


def prose_of(markdown: str) -> str:
    """The prose of a markdown cell: no code, link targets, URLs, HTML tags, list numbers
    or the notebook's time estimate ("**Time:** about 30 minutes")."""
    text = re.sub(r"(?m)^\*\*Time:\*\*.*$", " ", markdown)
    text = re.sub(r"```.*?```|~~~.*?~~~", " ", text, flags=re.DOTALL)
    text = re.sub(r"(`+).*?\1", " ", text, flags=re.DOTALL)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"https?://\S+|<[^>]*>", " ", text)
    return re.sub(r"(?m)^\s*(?:\d+[.)]|[-*+])\s", " ", text)


def _decimal(match: re.Match[str]) -> tuple[Decimal, int]:
    """The value of a number and its decimal places (negative exponents count as places)."""
    digits = match.group("int").replace(",", "") + (match.group("frac") or "")
    exponent = (match.group("exp") or "0").replace("\u2212", "-")
    value = Decimal(digits) * Decimal(10) ** int(exponent)
    return value, max(-value.as_tuple().exponent, 0)


def prose_numbers(markdown: str) -> list[tuple[str, Decimal, int, bool]]:
    """The numbers stated in ``markdown``: (as written, value, decimal places, is a percent)."""
    text = prose_of(markdown)
    found = []
    for match in PROSE_NUMBER.finditer(text):
        written, whole = match.group(0).strip(), match.group("int")
        unit = (match.group("unit") or "").strip()
        plain = not unit and not match.group("frac") and not match.group("exp")
        if plain and int(whole.replace(",", "")) < 10:
            continue  # a count in prose: "3 significant digits", "2 cores"
        if plain and len(whole) > 1 and whole.startswith("0"):
            continue  # a notebook number: "04"
        if plain and "," not in whole and 1900 <= int(whole) <= 2100:
            continue  # a year
        if REFERENCE_WORD.search(text[: match.start()]):
            continue  # a name: "notebook 6", "exercise 12"
        value, places = _decimal(match)
        found.append((written, value, places, unit == "%"))
    return found


def output_text(nb: nbformat.NotebookNode, cells: list[int] | None = None) -> str:
    """The stored text outputs of ``nb`` (of the code cells ``cells``, else all), masked
    as nbval masks them."""
    parts = []
    for number, cell in enumerate(nb.cells):
        if cells is not None and number not in cells:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/html", "text/markdown"):
                parts.append("".join(output.get("data", {}).get(kind, "")))
    text = "\n".join(parts)
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def nearby_code_cells(nb: nbformat.NotebookNode, number: int) -> list[int]:
    """The ``NEARBY`` code cells before cell ``number`` and the ``NEARBY`` after it."""
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    before = [i for i in code if i < number][-NEARBY:]
    return before + [i for i in code if i > number][:NEARBY]


def _values(text: str) -> list[tuple[Decimal, int]]:
    """Every number in ``text`` with its decimal places; "5,120" also counts as 5 and 120."""
    values = []
    for token in ANY_NUMBER.findall(text):
        pieces = [token.replace(",", "")] + (token.split(",") if "," in token else [])
        for piece in pieces:
            value = Decimal(piece)
            values.append((value, max(-value.as_tuple().exponent, 0)))
    return values


def code_literals(nb: nbformat.NotebookNode) -> set[Decimal]:
    """The numeric literals written in the code cells (inputs the code states)."""
    literals = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(cell.source).readline))
        except (tokenize.TokenError, IndentationError, SyntaxError):
            continue
        for token in tokens:
            if token.type == tokenize.NUMBER and not token.string.endswith(("j", "J")):
                text = token.string.replace("_", "")
                if not text.startswith(("0x", "0o", "0b", "0X", "0O", "0B")):
                    literals.add(Decimal(text))
    return literals


def _shown(value: Decimal, places: int, printed: list[tuple[Decimal, int]]) -> bool:
    """Is ``value`` (written with ``places`` decimals) a printed number, or one rounded?"""
    quantum = Decimal(1).scaleb(-places)
    return any(
        o == value or (o_places > places and o.quantize(quantum) == value)
        for o, o_places in printed
    )


def unprinted_numbers(
    nb: nbformat.NotebookNode, allowed: set[str] = frozenset()
) -> list[str]:
    """The numbers in ``nb``'s markdown that no nearby output shows, no code states, none
    allowed."""
    literals = code_literals(nb)
    facts = {Decimal(a) for a in ALLOWED | set(allowed)}
    missing = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        near = None if SUMMARY.search(cell.source) else nearby_code_cells(nb, number)
        printed = _values(output_text(nb, near))
        as_percent = [(o * 100, p - 2) for o, p in printed if p >= 2]
        for written, value, places, percent in prose_numbers(cell.source):
            if value in facts or value in literals or _shown(value, places, printed):
                continue
            if percent and _shown(value, places, as_percent):
                continue
            missing.append(f"markdown cell {number}: {written!r}")
    return missing


def percentages_that_do_not_add_up(nb: nbformat.NotebookNode) -> list[str]:
    """Sentences that say their percentages sum to 100% while they do not, as written."""
    wrong = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", prose_of(cell.source)):
            if not SUMS_TO_100.search(sentence):
                continue
            shares = [value for _, value, _, percent in prose_numbers(sentence) if percent]
            parts = [v for v in shares if v != 100]
            if len(parts) >= 2 and sum(parts) != 100:
                wrong.append(f"markdown cell {number}: {' + '.join(map(str, parts))} != 100")
    return wrong


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(NOTEBOOK_DIR).as_posix())
def test_every_number_in_the_prose_is_printed(path: Path) -> None:
    name = path.relative_to(NOTEBOOK_DIR).as_posix()
    missing = unprinted_numbers(nbformat.read(path, as_version=4), ALLOWED_IN.get(name, set()))
    assert not missing, (
        "numbers stated in the prose but printed by no cell (print them, or list a fact "
        "nothing measures in ALLOWED_IN):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(NOTEBOOK_DIR).as_posix())
def test_percentages_said_to_add_up_do(path: Path) -> None:
    wrong = percentages_that_do_not_add_up(nbformat.read(path, as_version=4))
    assert not wrong, "\n".join(wrong)


# The scanner itself, on tiny notebooks built in memory.


def test_a_number_printed_far_away_does_not_count() -> None:
    nb = _notebook("The accuracy is 97.3%.", "accuracy: 97.3%")
    assert unprinted_numbers(nb) == []
    far = [nbformat.v4.new_code_cell("x = 1", execution_count=i) for i in range(NEARBY)]
    nb.cells[1:1] = far
    assert unprinted_numbers(nb) == ["markdown cell 0: '97.3%'"]
    nb.cells[0].source = "## Summary\n\nThe accuracy is 97.3%."
    assert unprinted_numbers(nb) == []


def test_percentages_that_claim_to_add_up() -> None:
    good = _notebook("Blank 80.8%, grays 12.3% and full ink 6.9%: they sum to 100%.", "")
    bad = _notebook("Blank 80.7%, grays 12.3% and full ink 6.9%: they sum to 100%.", "")
    assert percentages_that_do_not_add_up(good) == []
    assert percentages_that_do_not_add_up(bad) == ["markdown cell 0: 80.7 + 12.3 + 6.9 != 100"]
    unclaimed = _notebook("Blank 80.7% and grays 12.3%.", "")
    assert percentages_that_do_not_add_up(unclaimed) == []


def _notebook(markdown: str, printed: str, code: str = "print(result)") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), cell]
    return nb


@pytest.mark.parametrize(
    ("markdown", "printed"),
    [
        ("The test accuracy is 99.14%.", "test accuracy: 99.14%"),
        ("The test accuracy is 99.14%.", "test accuracy 0.9914"),
        ("A batch of 1,024 rows.", "rows: 1024"),
        ("Blocks of 1024 rows.", "rows: 1,024"),
        ("Its condition number is about 19.", "cond = 18.98"),
        ("gzip shrinks the file 4.6x.", "ratio 4.565"),
        ("The smallest eigenvalue is 1e-5.", "smallest: 1e-05"),
        ("Read rows 342 and 867.", "(4, 50)"),
    ],
)
def test_scanner_accepts_printed_and_rounded_numbers(markdown: str, printed: str) -> None:
    nb = _notebook(markdown, printed, code="table[[5, 342, 867]]")
    assert unprinted_numbers(nb) == []


@pytest.mark.parametrize(
    ("markdown", "printed"),
    [
        ("Batches are 3.5x faster.", "batches: 2.9x faster"),
        ("The test accuracy is 97.3%.", "test accuracy: 99.14%"),
        ("It takes about 300 MB.", "peak memory: 7.2 MB"),
        ("The loop took 1.2 ms.", "loop: 1.2 ms"),  # times vary: masked, never stated
    ],
)
def test_scanner_refuses_a_made_up_number(markdown: str, printed: str) -> None:
    missing = unprinted_numbers(_notebook(markdown, printed))
    assert len(missing) == 1 and missing[0].startswith("markdown cell 0:")


def test_scanner_skips_what_is_not_a_claim() -> None:
    markdown = (
        "# 04 · The network\n\n1. Run `np.ones(37)` from [notebook 05](05_x.ipynb#part-42).\n"
        "In 1998, 3 digits and section 12 of <a href='x123'>this</a>; see float32 and h5py."
    )
    assert prose_numbers(markdown) == []
    assert unprinted_numbers(_notebook("784 pixels, 28 x 28.", "")) == []
    assert unprinted_numbers(_notebook("Made with HDF5 2.0.", ""), {"2.0"}) == []
