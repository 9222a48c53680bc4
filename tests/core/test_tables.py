"""Every table in every template sits in the one scrolling region (templates/_tables.html), so
no table can make a page scroll sideways on a narrow screen (WCAG 1.4.10). The browser test
tests/browser/test_reflow.py measures the pages; this walks every template, pages the browser
tests do not reach included."""

from __future__ import annotations

import re

from portal.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
REGION = re.compile(r"\{%-?\s*call table_region\([^%]*\)\s*-?%\}\s*$")


def test_every_table_scrolls_in_its_own_region():
    outside = []
    tables = 0
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for found in re.finditer(r"<table\b|govukTable\(", text):
            tables += 1
            if not REGION.search(text[: found.start()]):
                line = text.count("\n", 0, found.start()) + 1
                outside.append(f"{path.relative_to(TEMPLATES)}:{line}")
    assert tables >= 30
    assert outside == []
