"""What a student does in JupyterLab and in a widget, as Playwright steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

#: Executing a notebook's cells may take this long (the course target is ~12 s each; a
#: notebook beside two xdist workers on 2 cores takes several times longer).
RUN_ALL_TIMEOUT_MS = 240_000

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: The notebook shown in JupyterLab's main area.
ACTIVE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
#: Given the notebook panel's selector: "done" once every code cell has run, or
#: "error: ..." with the first error shown (errors are rendered as stderr).
_RUN_STATE = r"""selector => {
    const panel = document.querySelector(selector);
    const stderr = panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]');
    const errors = [...stderr].map(o => o.innerText)
        .filter(t => /Traceback \(most recent call last\)|^\w*(Error|Exception)\b/m.test(t));
    if (errors.length) return 'error: ' + errors[0].slice(0, 2000);
    const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    const done = prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent));
    return done ? 'done' : null;
}"""


def open_notebook(page: Page, url: str) -> Locator:
    """Open a notebook's JupyterLab URL, wait until its kernel is idle; return its panel."""
    page.goto(url)
    idle = page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$"))
    expect(idle).to_be_visible(timeout=60_000)
    return page.locator(ACTIVE_NOTEBOOK)


def menu(page: Page, name: str, command: str) -> None:
    """Click the menu bar's ``name`` menu, then the item running ``command``."""
    page.get_by_role("menuitem", name=name, exact=True).click()
    page.locator(f'li[data-command="{command}"]').click()


def run_all_cells(page: Page) -> None:
    """Clear every output, run all cells and wait until each has run (fail on an error).

    Clearing first makes sure the widgets found afterwards come from this run,
    not from the outputs stored in the file.
    """
    menu(page, "Edit", "editmenu:clear-all")
    expect(page.locator(f"{ACTIVE_NOTEBOOK} .jp-OutputArea-output")).to_have_count(0)
    menu(page, "Run", "runmenu:run-all")
    state = page.wait_for_function(
        _RUN_STATE, arg=ACTIVE_NOTEBOOK, timeout=RUN_ALL_TIMEOUT_MS
    ).json_value()
    assert state == "done", f"a cell failed when running all cells:\n{state}"


def slider(container: Locator, description: str) -> Locator:
    """The ipywidgets slider labelled ``description`` (its handle, track and read-out)."""
    label = container.page.get_by_text(description, exact=True)
    return container.locator(".widget-slider").filter(has=label)


def named_slider(container: Locator, name: str) -> Locator:
    """The slider whose accessible name is ``name`` (the explorers' labelled range inputs)."""
    return container.get_by_role("slider", name=name, exact=True)


def press(handle: Locator, key: str, times: int = 1) -> None:
    """Focus a control and press ``key`` on the keyboard ``times`` times."""
    handle.focus()
    for _ in range(times):
        handle.page.keyboard.press(key)


def choose(container: Locator, description: str, option: str) -> None:
    """Choose ``option`` (its visible text) in the dropdown labelled ``description``."""
    label = container.page.get_by_text(description, exact=True)
    dropdown = container.locator(".widget-dropdown").filter(has=label)
    dropdown.locator("select").select_option(label=option)


def image_digest(image: Locator) -> str:
    """SHA-256 of the bytes the <img> shows (``image`` is the <img> or holds it; blob: URLs)."""
    return image.evaluate(
        """async el => {
            const img = el.tagName === 'IMG' ? el : el.querySelector('img');
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const digest = await crypto.subtle.digest('SHA-256', bytes);
            return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
        }"""
    )


def shown_text(element: Locator) -> str:
    """The element's text as the page shows it, read once the element is on screen.

    JupyterLab skips rendering the cells out of view (``content-visibility: auto``),
    and Chromium can read the text of a skipped cell as empty.
    """
    element.scroll_into_view_if_needed()
    return element.inner_text()


def wait_for_new_text(element: Locator, old: str, timeout: float = 60_000) -> str:
    """Wait until the element's text (as ``inner_text()`` gives it) differs from ``old``."""
    element.page.wait_for_function(
        "([node, old]) => node.innerText !== old",
        arg=[element.element_handle(), old],
        timeout=timeout,
    )
    return shown_text(element)


def run_notebook(lab, page: Page, name: str) -> Locator:
    """Open notebook ``name`` in JupyterLab and run all its cells; return its panel.

    The workspace is reset, so only this notebook is open. Skips the test if
    the notebook does not exist (yet).
    """
    if not (NOTEBOOKS / name).is_file():
        pytest.skip(f"notebooks/{name} does not exist yet")
    notebook = open_notebook(page, lab.url(f"lab/tree/{name}", query="reset"))
    run_all_cells(page)
    return notebook


def shown_widget(widget: Locator, what: str) -> Locator:
    """Scroll to the first ``widget`` and return it; fail clearly if the notebook has none."""
    widget = widget.first
    expect(widget, f"the notebook shows no {what} after running all cells").to_have_count(1)
    widget.scroll_into_view_if_needed()
    return widget


def open_dashboard(voila, page: Page, name: str, widget: str) -> Locator:
    """Serve ``dashboards/name`` with Voila, open it and return its widget (CSS class)."""
    server = voila(f"dashboards/{name}")
    page.goto(server.url(), wait_until="domcontentloaded")  # "load" waits for blocked fonts
    shown = page.locator(f".{widget}")
    expect(shown).to_be_visible(timeout=60_000)
    expect(page.get_by_text("from helpers")).to_have_count(0)  # Voila hides the code
    return shown
