"""tools.execute stores what a reader should see: printed output in one piece, a
progress bar in its final state, no widget state, no timestamps."""

import sys

import nbformat
import pytest

from tools.execute import execute


def test_execute_stores_outputs_in_one_piece_without_widget_state(tmp_path):
    path = tmp_path / "example.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import sys\nfor k in range(3):\n    print(k, flush=True)\n"
            "for k in range(3):\n    sys.stdout.write(f'\\rstep {k + 1}/3'); sys.stdout.flush()"
        ),
        nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)"),
    ]
    nbformat.write(notebook, path)

    execute(path)

    result = nbformat.read(path, as_version=4)
    (printed,) = result.cells[0].outputs
    assert printed.text == "0\n1\n2\nstep 3/3"
    assert "widgets" not in result.metadata
    assert all("execution" not in cell.metadata for cell in result.cells)
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"[]", "not a valid notebook"), (b"\x89PNG", "not a valid notebook"), (None, "no such")],
)
def test_the_command_refuses_what_is_not_a_notebook_and_leaves_it(
    tmp_path, monkeypatch, capsys, content, message
):
    from tools.execute import main

    path = tmp_path / "x.ipynb"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(sys, "argv", ["execute", str(path)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert content is None or path.read_bytes() == content
