"""The browser reaches 127.0.0.1 only, and the servers answer only with their token."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

#: From a blank page: "reached" if the request went out, "blocked" if it was aborted.
FETCH = "url => fetch(url, {mode: 'no-cors'}).then(() => 'reached', () => 'blocked')"


def test_requests_outside_127_0_0_1_are_blocked(lab_server, page, blocked_requests):
    assert page.evaluate(FETCH, lab_server.url("api/status")) == "reached"
    assert page.evaluate(FETCH, "https://cdn.jsdelivr.net/npm/x.css") == "blocked"
    assert page.evaluate(FETCH, "http://localhost:9/") == "blocked"
    assert blocked_requests == ["https://cdn.jsdelivr.net/npm/x.css", "http://localhost:9/"]


def test_jupyterlab_refuses_requests_without_the_token(lab_server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{lab_server.port}/api/kernels", timeout=10)
    assert refused.value.code == 403
