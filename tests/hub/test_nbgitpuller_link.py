"""The guide's nbgitpuller link, clicked by a student in Chromium, on the course's hub.

The link is made as docs/hub.md says (``python -m course_deploy link``, its block
``<!-- tests/hub: link -->``), for the test's hub and git remote: the student logs
in, the hub starts their server, the course is in their home and JupyterLab opens
notebook 00, whose cells run and whose widget answers the keyboard. After the
instructor commits again, a second click brings the commit in and keeps the
student's own edits, in the one copy the link opens (the repository's URL ends in
``.git``). The student edition, on its own branch and with a URL without ``.git``,
works the same way. The browser reaches 127.0.0.1 only.
"""

from __future__ import annotations

import re
import subprocess
from urllib.parse import urlparse

import pytest
from browser_steps import ACTIVE_NOTEBOOK, run_all_cells
from hub import COURSE, GUIDE_ENV, GUIDE_REPO, PASSWORD, Hub, guide_block
from playwright.sync_api import expect
from widget_checks import drive_digit_explorer

pytestmark = [pytest.mark.hub, pytest.mark.timeout(900)]

#: The time from the login to notebook 00 with an idle kernel (a server start included).
OPEN_MS = 240_000


def guide_link(hub: Hub, hub_env, repo: str, branch: str) -> str:
    """The link the guide's command prints, for this hub, this git remote and ``branch``."""
    command = guide_block("link").strip()
    for old, new in [
        (GUIDE_ENV, str(hub_env)),
        ("https://HUB", hub.url),
        (GUIDE_REPO, repo),
        (" main", f" {branch}"),
    ]:
        assert old in command, f"docs/hub.md's link command lacks {old!r}: {command}"
        command = command.replace(old, new)
    done = subprocess.run(
        command, shell=True, capture_output=True, text=True, timeout=60, check=True
    )
    (link,) = done.stdout.split()
    assert link.startswith(f"{hub.url}/hub/user-redirect/git-pull?"), link
    return link


@pytest.fixture
def page(new_context):
    """pytest-playwright's page, reaching 127.0.0.1 only; ``page.blocked`` lists what it asked."""
    blocked: list[str] = []

    def local_only(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context = new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)  # pages of a hub on a loaded machine
    context.route("**/*", local_only)
    new_page = context.new_page()
    new_page.blocked = blocked
    return new_page


def log_in_and_open(page, link: str, user: str) -> None:
    """Open ``link``; log in on the hub's form if asked; wait for notebook 00, kernel idle."""
    page.goto(link)
    if "/hub/login" in page.url:
        page.locator("#username_input").fill(user)
        page.locator("#password_input").fill(PASSWORD)
        page.locator("#login_submit").click()
    idle = page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$"))
    expect(idle).to_be_visible(timeout=OPEN_MS)
    expect(page.locator(f"{ACTIVE_NOTEBOOK} .jp-Notebook")).to_be_visible()
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    expect(tab).to_contain_text("00_start_here.ipynb")


def expect_no_outside_requests(hub: Hub, page) -> None:
    assert page.blocked == [], f"the browser asked outside 127.0.0.1: {page.blocked}"
    network = hub.network_log.read_text() if hub.network_log.exists() else ""
    assert not network, f"a student's process tried to leave 127.0.0.1:\n{network}"


def test_the_guide_link_opens_the_course_and_a_second_click_merges(
    hub, hub_env, course, students, page
):
    (user,) = students(["lovelace"])
    link = guide_link(hub, hub_env, course.url(git_suffix=True), "main")
    log_in_and_open(page, link, user)
    clone = hub.home / user / COURSE
    assert (clone / ".git").is_dir() and (clone / "helpers" / "__init__.py").is_file()
    run_all_cells(page)
    explorer = page.locator(f"{ACTIVE_NOTEBOOK} .digit-explorer").first
    explorer.scroll_into_view_if_needed()
    drive_digit_explorer(explorer)

    # The student writes a note into notebook 00 (saved through the server, as JupyterLab does).
    path = f"{COURSE}/notebooks/00_start_here.ipynb"
    model = hub.server_api(user, "GET", f"contents/{path}")
    note = {"cell_type": "markdown", "metadata": {}, "source": "My note: widgets work here."}
    model["content"]["cells"].append(note)
    hub.server_api(
        user, "PUT", f"contents/{path}", {"type": "notebook", "content": model["content"]}
    )
    # The instructor adds a reading and changes the README.
    readme = (course.work / "README.md").read_text() + "\nWeek 2: read the extra notes.\n"
    extra = "# Extra reading\n\nThe notes for week 2.\n"
    course.commit("main", "Week 2", {"README.md": readme, "notebooks/extra_reading.md": extra})

    log_in_and_open(page, link, user)  # the second click
    assert sorted(p.name for p in (hub.home / user).iterdir() if p.name.startswith(COURSE)) == [
        COURSE
    ], "one copy of the course, the one the link opens"
    assert (clone / "notebooks" / "extra_reading.md").read_text() == extra
    assert (clone / "README.md").read_text() == readme
    assert (
        "My note: widgets work here." in (clone / "notebooks" / "00_start_here.ipynb").read_text()
    )
    shown = page.locator(ACTIVE_NOTEBOOK).locator("p", has_text="My note: widgets work here.")
    expect(shown).to_have_count(1)  # rendered markdown of the student's own cell
    expect_no_outside_requests(hub, page)


def test_the_student_edition_link(start_hub, hub_env, course, page):
    hub = start_hub(branch="student", git_suffix=False)
    link = guide_link(hub, hub_env, course.url(git_suffix=False), "student")
    log_in_and_open(page, link, "hopper")
    clone = hub.home / "hopper" / COURSE
    branch = (clone / ".git" / "HEAD").read_text().strip()
    assert branch == "ref: refs/heads/student", branch
    run_all_cells(page)
    notebook = page.locator(ACTIVE_NOTEBOOK)
    expect(notebook.get_by_text("No answer yet").first).to_be_attached()
    explorer = notebook.locator(".digit-explorer").first
    explorer.scroll_into_view_if_needed()
    drive_digit_explorer(explorer)
    expect_no_outside_requests(hub, page)
    hub.remember_processes()
