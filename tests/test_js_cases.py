"""``tests/js/cases.json`` is what Python makes and decides today (see ``tests/js_cases.py``).

The node tests read it: the page's timeline rule against ``geo.data.selection.as_of``, its
line decoding against ``geo.web.encoding``, its use of payload keys against
``geo.web.contract``. When this fails, run ``python -m tests.js_cases`` and then the node
tests (``node --test tests/js/*.test.js``).
"""

from __future__ import annotations

import json

from geo.web import contract
from tests.js_cases import CASES_FILE, cases_text


def test_js_cases_are_current() -> None:
    written = CASES_FILE.read_text(encoding="utf-8")
    assert written == cases_text(), "tests/js/cases.json is stale: python -m tests.js_cases"


def test_js_cases_cover_the_rule() -> None:
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    assert cases["contract"] == contract.contract()
    for timeline in cases["timeline"]:
        windows = {case["window_days"] for case in timeline["cases"]}
        assert None in windows and len(windows) > 2
        counts = {len(case["shown"]) for case in timeline["cases"]}
        assert len(counts) > 3, f"{timeline['name']}: the cases differ in what is shown"
