"""Prediction records: the schema, the Python-only rules, writing and reading JSON Lines."""

import json

import jsonschema
import numpy as np
import pytest

from helpers.mlp import softmax
from helpers.predictions import (
    InvalidRecordError,
    load_schema,
    make_records,
    read_predictions,
    validate_record,
    write_predictions,
)


@pytest.fixture
def probs():
    return softmax(np.random.default_rng(0).normal(size=(5, 10)) * 3)


def good():
    acts = [0.05] * 10
    acts[3] = 0.55
    return {"index": 7, "activations": acts, "classification": 3}


def test_schema_is_valid_draft_2020_12():
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_make_records(probs):
    records = make_records(probs, indices=[10, 11, 12, 13, 14])
    assert [r["index"] for r in records] == [10, 11, 12, 13, 14]
    assert [r["classification"] for r in records] == probs.argmax(axis=1).tolist()
    assert all(len(r["activations"]) == 10 for r in records)
    for record in records:
        validate_record(record)
    assert make_records(probs)[4]["index"] == 4


@pytest.mark.parametrize(
    "bad_input", [np.zeros((3, 9)), np.zeros(10)], ids=["nine classes", "one-dimensional"]
)
def test_make_records_rejects_bad_shapes(bad_input):
    with pytest.raises(ValueError, match=r"\(N, 10\)"):
        make_records(bad_input)


def test_make_records_rejects_logits_and_float_indices():
    with pytest.raises(ValueError, match=r"probabilities must be probabilities \(a softmax"):
        make_records(np.full((2, 10), 3.0))
    with pytest.raises(TypeError, match="indices must be integers, got dtype float64"):
        make_records(np.full((2, 10), 0.1), indices=[0.0, 1.0])
    with pytest.raises(ValueError, match="indices must be 2 integers, got shape"):
        make_records(np.full((2, 10), 0.1), indices=[0])


def test_paths_must_be_paths():
    for call in (lambda: write_predictions(7, []), lambda: read_predictions(None)):
        with pytest.raises(TypeError, match="path must be a non-empty str or path-like"):
            call()


def test_good_record_passes():
    validate_record(good())


def _change(**changes):
    record = good()
    for key, value in changes.items():
        if value is ...:
            del record[key]
        else:
            record[key] = value
    return record


def _acts(**at):
    acts = good()["activations"]
    for i, v in at.items():
        acts[int(i[1:])] = v
    return acts


@pytest.mark.parametrize(
    "record, reason",
    [
        (_change(activations=[0.1] * 9), "activations: has 9 items, expected at least 10"),
        (_change(activations=[0.1] * 9 + [0.05, 0.05]), "has 11 items, expected at most 10"),
        (_change(activations=_acts(a0=-0.05, a1=0.15)), "less than the minimum"),
        (_change(activations=_acts(a3=1.5)), "greater than the maximum"),
        (_change(activations=_acts(a3=0.6)), "sum to 1.05"),
        (_change(classification=4), "largest activation is at 3"),
        (_change(index=-1), "index: -1 is less than the minimum"),
        (_change(index=1.5), "index: 1.5 is not of type 'integer'"),
        (_change(classification=10), "classification"),
        (_change(activations=["0.1"] * 10), "not of type 'number'"),
        (_change(index=...), "'index' is a required property"),
        (_change(activations=...), "'activations' is a required property"),
        (_change(extra=1), "Additional properties .*'extra'"),
        ([1, 2, 3], "not of type 'object'"),
    ],
    ids=[
        "nine activations",
        "eleven activations",
        "negative activation",
        "activation above 1",
        "sum not 1",
        "not the argmax",
        "negative index",
        "fractional index",
        "class 10",
        "strings",
        "missing index",
        "missing activations",
        "extra key",
        "not an object",
    ],
)
def test_bad_records_are_rejected_with_the_reason(record, reason):
    with pytest.raises(InvalidRecordError, match=reason):
        validate_record(record, where="record 5")
    with pytest.raises(InvalidRecordError, match="^record 5: "):
        validate_record(record, where="record 5")


def test_write_predictions_names_the_bad_record_and_writes_nothing(tmp_path):
    records = [good(), good(), _change(classification=0)]
    with pytest.raises(InvalidRecordError, match="^record 2: classification is 0"):
        write_predictions(tmp_path / "p.jsonl", records)
    assert not list(tmp_path.iterdir())


def test_write_read_round_trip(tmp_path, probs):
    records = make_records(probs)
    path = write_predictions(tmp_path / "p.jsonl", records)
    lines = path.read_text().splitlines()
    assert len(lines) == 5 and json.loads(lines[0]) == records[0]
    assert read_predictions(path) == records
    assert not list(tmp_path.glob(".*tmp"))


def test_write_rejects_invalid_and_writes_nothing(tmp_path):
    path = tmp_path / "p.jsonl"
    with pytest.raises(InvalidRecordError, match="record 1"):
        write_predictions(path, [good(), _change(index=-3)])
    assert not path.exists() and not list(tmp_path.iterdir())


def test_read_names_the_bad_line(tmp_path):
    path = tmp_path / "p.jsonl"
    bad = _change(activations=_acts(a3=0.6))
    path.write_text("\n".join(json.dumps(r) for r in [good(), good(), bad]) + "\n")
    with pytest.raises(InvalidRecordError, match="p.jsonl line 3: activations sum"):
        read_predictions(path)
    path.write_text(json.dumps(good()) + "\n{not json\n")
    with pytest.raises(InvalidRecordError, match="line 2: not JSON"):
        read_predictions(path)


def _with_nan():
    record = good()
    record["activations"][0] = float("nan")
    return record


def test_a_nan_activation_is_refused_never_written(tmp_path):
    # it used to be accepted and written as NaN, which is not JSON
    with pytest.raises(InvalidRecordError, match="activations/0: nan is not of type 'number'"):
        validate_record(_with_nan())
    with pytest.raises(InvalidRecordError, match="record 1: activations/0: nan is not of type"):
        write_predictions(tmp_path / "p.jsonl", [good(), _with_nan()])
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="NaN"):
        make_records(np.full((1, 10), np.nan))


def test_a_nan_in_a_file_is_refused_on_reading(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(good()) + "\n" + json.dumps(_with_nan()) + "\n")
    with pytest.raises(InvalidRecordError, match="line 2: activations/0: nan is not of type"):
        read_predictions(path)


@pytest.mark.parametrize("key, value", [("classification", 3.0), ("index", 7.0)])
def test_a_float_where_an_integer_belongs_is_a_clear_error(key, value):
    # "classification": 0.0 used to give TypeError: list indices must be integers
    record = good() | {key: value}
    with pytest.raises(InvalidRecordError, match=f"{key}: {value} is not of type 'integer'"):
        validate_record(record)


@pytest.mark.parametrize("scalar", [np.float32, np.float64, np.float16])
def test_numpy_scalars_are_refused_by_name_before_anything_is_written(tmp_path, scalar):
    """np.float32 activations passed the schema, then json.dumps failed, naming no record."""
    good = make_records(np.full((2, 10), 0.1))
    bad = dict(good[1], activations=[scalar(0.1)] * 10)
    numpy_scalar = r"record 1: activations/0: np\.float\d+\(0\.1\) is not of type 'number'"
    with pytest.raises(InvalidRecordError, match=numpy_scalar):
        write_predictions(tmp_path / "p.jsonl", [good[0], bad])
    assert list(tmp_path.iterdir()) == []
