"""The exact pins of a requirements file made by ``uv pip compile --generate-hashes``.

Read by tests/test_packaging.py (the lock and the hub tests' pins) and
tests/test_nbgrader_course.py (the grading pins).
"""

from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def read_pins(path: Path) -> tuple[dict[str, list[Requirement]], dict[str, int]]:
    """The file's pinned requirements by name, and how many hashes each pin has."""
    text = path.read_text().replace("\\\n", " ")
    pins: dict[str, list[Requirement]] = {}
    hashes: dict[str, int] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line.split(" --hash", 1)[0])
        name = canonicalize_name(requirement.name)
        pins.setdefault(name, []).append(requirement)
        hashes[str(requirement)] = line.count("--hash=sha256:")
    return pins, hashes


def extra_pins(extra: str, path: Path) -> dict[str, list[Requirement]]:
    """The pins of an extra's file made with the lock as constraints; each must agree with it.

    Raises AssertionError, naming the command to run, if the file was made another way,
    holds a pin without a hash, or pins a package at another version than the lock.
    """
    command = (
        f"uv pip compile pyproject.toml --extra {extra} -c requirements/lock.txt --universal"
        f" --python-version 3.11 --generate-hashes -o requirements/{path.name}"
    )
    assert command in path.read_text(), f"{path.name} was not made by the documented command"
    pins, hashes = read_pins(path)
    assert all(hashes.values()), f"{path.name} has pins without a hash: {command}"
    locked, _ = read_pins(path.parent / "lock.txt")
    for name, requirements in pins.items():
        if name in locked:
            mine = {str(r.specifier) for r in requirements}
            theirs = {str(r.specifier) for r in locked[name]}
            assert mine <= theirs, f"{name} {mine} differs from the lock {theirs}: {command}"
    return pins
