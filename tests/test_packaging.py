"""The package installs lightly, and its three dependency lists agree.

pyproject.toml holds the ranges, requirements/lock.txt the exact versions (with
hashes) that the stored outputs were made with, environment.yml what a conda or
Binder user needs to run the notebooks.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.pins import extra_pins, read_pins

ROOT = Path(__file__).parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
LOCK_COMMAND = (
    "uv pip compile pyproject.toml --extra test --universal --python-version 3.11"
    " --generate-hashes -o requirements/lock.txt"
)
#: PyPI name -> conda-forge name, where they differ.
CONDA_NAMES: dict[str, str] = {}
#: In environment.yml but not a dependency of the package: the interpreter, and the
#: tools that run `pip install -e .` (setuptools 77 reads the license string).
CONDA_ONLY = {"python", "pip", "setuptools"}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pinned_version(requirement: Requirement) -> str:
    (spec,) = requirement.specifier
    assert spec.operator == "==", f"lock entry {requirement} is not an exact pin"
    return spec.version


def _conda_spec(entry: str) -> tuple[str, SpecifierSet]:
    """`numpy=2.4` (conda: any 2.4.x) or `setuptools>=77` as a name and a specifier set."""
    entry = entry.split("#", 1)[0].strip()
    name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", entry).groups()
    if re.fullmatch(r"=[\d.]+", version):
        version = f"=={version[1:]}.*"
    return canonicalize_name(name), SpecifierSet(version.replace(" ", ""))


def test_lock_pins_every_requirement_of_pyproject_with_hashes():
    project = _project()
    # The `bench` extra (PyTorch, the benchmark's peer) is installed by hand from
    # PyTorch's CPU index (README, Performance); the lock holds what step 1 installs.
    # The `test` extra names the `hub` extra as course-helpers[hub]: the lock holds both.
    extras = project["optional-dependencies"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for requirement in map(Requirement, extras["test"]):
        if canonicalize_name(requirement.name) == canonicalize_name(project["name"]):
            wanted += [Requirement(r) for extra in requirement.extras for r in extras[extra]]
        else:
            wanted.append(requirement)
    pins, hashes = read_pins(LOCK)
    regenerate = f"regenerate the lock: {LOCK_COMMAND}"
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements/lock.txt; {regenerate}"
        versions = [_pinned_version(pin) for pin in pins[name]]
        assert any(requirement.specifier.contains(v, prereleases=True) for v in versions), (
            f"lock has {name} {versions}, pyproject wants {requirement}; {regenerate}"
        )
    unhashed = [pin for pin, n in hashes.items() if n == 0]
    assert not unhashed, f"lock entries without hashes: {unhashed}"
    assert LOCK_COMMAND in LOCK.read_text(), "the lock was not made by the documented command"


def test_the_hub_tests_kernel_client_is_pinned_beside_the_lock_not_in_it():
    """A student's setup (the lock) does not carry the hub tests' client and its pyarrow."""
    pins = extra_pins("hub-tests", ROOT / "requirements" / "hub-tests.txt")
    (wanted,) = map(Requirement, _project()["optional-dependencies"]["hub-tests"])
    (pin,) = pins[canonicalize_name(wanted.name)]
    assert wanted.specifier.contains(_pinned_version(pin))
    assert canonicalize_name(wanted.name) not in read_pins(LOCK)[0]


def test_environment_yml_has_what_a_student_needs_at_the_locked_versions():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = dict(_conda_spec(d) for d in env["dependencies"] if isinstance(d, str))
    runtime = {canonicalize_name(Requirement(r).name) for r in _project()["dependencies"]}
    wanted = {CONDA_NAMES.get(name, name) for name in runtime}
    missing, extra = wanted - set(conda), set(conda) - wanted - CONDA_ONLY
    assert not missing and not extra, f"environment.yml lacks {missing}, has extra {extra}"

    pins, _ = read_pins(LOCK)
    conda_to_pypi = {CONDA_NAMES.get(n, n): n for n in runtime | {"setuptools"}}
    for conda_name, spec in conda.items():
        if conda_name in {"python", "pip"}:
            continue
        versions = [_pinned_version(p) for p in pins[conda_to_pypi[conda_name]]]
        assert any(spec.contains(v) for v in versions), (
            f"environment.yml wants {conda_name} {spec}, the lock has {versions}"
        )
    assert "--python-version 3.11" in LOCK_COMMAND and conda["python"] == SpecifierSet("==3.11.*")
    assert conda["setuptools"].contains("77") and not conda["setuptools"].contains("76.9")

    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e ."], "environment.yml must install this package, and nothing else by pip"


def test_build_needs_setuptools_77_for_the_license_string():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "BSD-3-Clause"
    (setuptools,) = [Requirement(r) for r in pyproject["build-system"]["requires"]]
    assert not setuptools.specifier.contains("76.9") and setuptools.specifier.contains("77")


def test_importing_helpers_data_stays_light():
    code = (
        "import sys, helpers.data; heavy = {'matplotlib', 'h5py', 'sklearn', 'pooch', 'scipy'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_readme_lists_the_locked_versions():
    from tools.versions import BEGIN, END, environment_line, locked_versions, package_line

    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(BEGIN) : readme.index(END)]
    refresh = "refresh it: python tools/versions.py --write README.md"
    assert package_line() in block, f"README's Versions differ from the lock; {refresh}"
    # The BLAS library comes with numpy's wheel: with the locked numpy, the same one.
    import numpy

    here = environment_line()
    if numpy.__version__ == locked_versions()["numpy"] and " with openblas " in here:
        blas = here.split(" with ", 1)[1].split(" (kernel", 1)[0]
        assert blas in block, f"README names another BLAS than numpy's {blas}; {refresh}"
