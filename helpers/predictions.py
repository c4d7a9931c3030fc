"""Prediction records as JSON Lines: build, write, read back, validate (notebook 05).

A record is ``{"index": 17, "activations": [10 softmax outputs], "classification": 3}``,
one per line. It must match ``prediction_record.schema.json`` (ints are Python ints, numbers
finite ints or floats), its activations sum to 1, and its classification is their argmax.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from helpers.atomic import atomic_path
from helpers.validation import check_path, check_probabilities

__all__ = ["InvalidRecordError", "load_schema", "make_records", "read_predictions",
           "validate_record", "write_predictions"]


class InvalidRecordError(ValueError):
    """A prediction record breaks the schema or the sum-to-1 / argmax rules."""


@functools.cache
def load_schema() -> dict:
    """Load the JSON Schema of one prediction record.

    Returns
    -------
    dict
        The schema (``prediction_record.schema.json``), read once.
    """
    return json.loads(Path(__file__).with_name("prediction_record.schema.json").read_text())


@functools.cache
def _validator():
    """A draft 2020-12 validator for which 3.0, NaN and numpy scalars are not JSON numbers."""
    from jsonschema import Draft202012Validator, validators  # only validation needs it

    strict = Draft202012Validator.TYPE_CHECKER.redefine_many({
        "integer": lambda _, x: type(x) is int,
        "number": lambda _, x: type(x) in (int, float) and math.isfinite(x),
    })
    return validators.extend(Draft202012Validator, type_checker=strict)(load_schema())


def make_records(probabilities: np.ndarray, indices: Sequence[int] | None = None) -> list[dict]:
    """Make one prediction record per row of softmax outputs.

    Parameters
    ----------
    probabilities : array_like of shape (N, 10)
        The network's outputs, e.g. ``model.forward(images)``.
    indices : sequence of int, optional
        Each row's index in the data set; 0, ..., N-1 by default.

    Returns
    -------
    list of dict
        ``{"index": ..., "activations": [...], "classification": ...}`` per row, with
        plain Python ints and floats.
    """
    probs = check_probabilities(probabilities, n_classes=10, name="probabilities")
    idx = np.arange(len(probs)) if indices is None else np.asarray(indices)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"indices must be integers, got dtype {idx.dtype}")
    if idx.shape != (len(probs),):
        raise ValueError(f"indices must be {len(probs)} integers, got shape {idx.shape}")
    return [{"index": int(i), "activations": row.tolist(), "classification": int(row.argmax())}
            for i, row in zip(idx, probs, strict=True)]


def validate_record(record: object, where: str = "record") -> None:
    """Check one prediction record against the schema and the rules.

    The rules: the activations sum to 1, and the classification is their argmax.

    Parameters
    ----------
    record : object
        The record, e.g. a line of a JSON Lines file read back.
    where : str, default="record"
        Where the record is, the start of the error message (e.g. "line 3").

    Raises
    ------
    InvalidRecordError
        If the record breaks the schema or a rule.
    """
    if errors := sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        raise InvalidRecordError(f"{where}: {_describe(errors[0])}")
    acts, best = record["activations"], max(record["activations"])
    if abs(sum(acts) - 1) > 1e-4:  # float32 softmax outputs sum to 1 within about 1e-6
        raise InvalidRecordError(f"{where}: activations sum to {sum(acts):.6g}, not 1 (± 1e-4)")
    if acts[record["classification"]] != best:
        raise InvalidRecordError(f"{where}: classification is {record['classification']} but "
                                 f"the largest activation is at {acts.index(best)}")


def _describe(error) -> str:
    """A short reason for a jsonschema error (its own message may quote a long array)."""
    at = "/".join(map(str, error.absolute_path)) or "the record"
    if error.validator in ("minItems", "maxItems"):
        bound = "at least" if error.validator == "minItems" else "at most"
        return f"{at}: has {len(error.instance)} items, expected {bound} {error.validator_value}"
    message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return f"{at}: {message}"


def write_predictions(path: str | os.PathLike[str], records: Iterable[dict]) -> Path:
    """Validate prediction records and write them as JSON Lines, atomically.

    All or nothing: an invalid record leaves no file.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    records : iterable of dict
        The records, e.g. from :func:`make_records`.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = check_path(path)
    records = list(records)
    for n, record in enumerate(records):
        validate_record(record, where=f"record {n}")
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(record, allow_nan=False) + "\n" for record in records)
    return path


def read_predictions(path: str | os.PathLike[str]) -> list[dict]:
    """Read and validate a JSON Lines file of prediction records.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    list of dict
        The records, one per non-empty line.

    Raises
    ------
    InvalidRecordError
        If a line is not JSON or not a valid record; the message names the line.
    """
    path = check_path(path, exists=True)
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError:
        raise OSError(f"{path} is not a JSON Lines text file (not UTF-8 text)") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidRecordError(f"{path.name} line {number}: not JSON ({exc})") from None
            validate_record(records[-1], where=f"{path.name} line {number}")
    return records
