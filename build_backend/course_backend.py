"""The package's build backend: setuptools, plus the data files in editable installs too.

``pyproject.toml`` installs Voila's "offline" template into ``share/jupyter`` and a
``voila.json`` naming it as Voila's default into ``etc/jupyter`` of the environment
(docs/teaching.md: Live demos with Voila). setuptools copies such data files only for a
regular install (``pip install .``): its editable wheel (``pip install -e .``, the
README's step 1) holds nothing but the import hook. This backend adds the same data
files to the editable wheel, so both installs make the offline template Voila's
default. Everything else is setuptools' own ``build_meta``.
"""

from __future__ import annotations

import base64
import hashlib
import tomllib
import zipfile
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 (the other hooks, unchanged)

_ROOT = Path(__file__).resolve().parents[1]


def _data_files() -> dict[str, Path]:
    """``[tool.setuptools.data-files]`` as {path in the environment: file in the source}."""
    config = tomllib.loads((_ROOT / "pyproject.toml").read_text())
    found = {}
    for folder, patterns in config["tool"]["setuptools"].get("data-files", {}).items():
        for pattern in patterns:
            for source in sorted(_ROOT.glob(pattern)):
                if source.is_file():
                    found[f"{folder}/{source.name}"] = source
    return found


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """setuptools' editable wheel, with the data files under ``NAME.data/data/``."""
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    wheel = Path(wheel_directory) / name
    with zipfile.ZipFile(wheel) as old:
        entries = {info.filename: old.read(info) for info in old.infolist()}
    record = next(n for n in entries if n.endswith(".dist-info/RECORD"))
    data_dir = record.split(".dist-info/")[0] + ".data/data"
    lines = entries.pop(record).decode().splitlines()
    for target, source in _data_files().items():
        name_in_wheel = f"{data_dir}/{target}"
        if name_in_wheel in entries:  # a setuptools that copies data files itself
            continue
        entries[name_in_wheel] = source.read_bytes()
        lines.append(_record_line(name_in_wheel, entries[name_in_wheel]))
    entries[record] = ("\n".join(lines) + "\n").encode()
    partial = wheel.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as new:
        for entry, data in entries.items():
            new.writestr(entry, data)
    partial.replace(wheel)
    return name
