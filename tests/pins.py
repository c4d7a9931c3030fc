"""The exact pins of a requirements file made by ``uv pip compile --generate-hashes``.

Read by tests/test_packaging.py (requirements/lock.txt) and tests/test_nbgrader_course.py.
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
