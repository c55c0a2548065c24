"""The web view in a real browser: headless Chromium (the system's own, driven by Playwright, no
browser download) reads the pages a person opens, fills a canned query's form and submits it.

In CI (CI=true) it must run; elsewhere it skips, naming what is missing. To refresh the README's
screenshot: CAJ_UPDATE_SCREENSHOT=1 python -m pytest tests/test_browser.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = Path(os.environ.get("CAJ_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing() -> str | None:
    for module, package in (("datasette", 'caj[web] (pip install "caj[web]")'),
                            ("playwright", "playwright (pip install playwright)")):
        try:
            __import__(module)
        except ImportError:
            return package
    if not CHROMIUM.is_file():
        return f"chromium (apt-get install chromium; looked for {CHROMIUM})"
    return None


MISSING = _missing()
if MISSING and not IN_CI:
    pytest.skip(f"browser test needs {MISSING}", allow_module_level=True)


@pytest.fixture(scope="module")
def page(db_path):
    assert not MISSING, f"CI must run the browser test, but {MISSING} is missing"
    from playwright.sync_api import sync_playwright

    from test_web import served

    with served(db_path) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 1400})
        tab.set_default_timeout(20_000)
        tab.base = base
        yield tab
        browser.close()


def test_home_page(page):
    page.goto(page.base + "/")
    text = page.inner_text("body")
    assert "caj: Japan and Central Asia, fact by fact" in text
    assert "caj" in text and "v_facts" in page.content()


def test_database_page_lists_queries_and_hides_internals(page):
    page.goto(page.base + "/caj")
    text = page.inner_text("body")
    for title in ("Timeline", "ODA figures", "Projects", "Conflicts with the public record", "Search"):
        assert title in text
    assert "search_docs_fts_data" not in text and "fact_span_node" not in text
    assert "idsa-2024" in text  # the sources, on the database page


def test_timeline_for_uzbekistan(page, tmp_path):
    page.goto(page.base + "/caj/timeline?country=Uzbekistan")
    text = page.inner_text("table.rows-and-columns")
    assert "JBIC loan to ENERSOK for a 1,600 MW gas-fired power plant in Uzbekistan" in text
    assert "Tashguzar–Kumkurgan new railway in Uzbekistan financed by Japan" in text
    # dated only as of the document: not in the default timeline
    assert "AI traffic lights in Uzbekistan" not in text
    shot = tmp_path / "web.png"
    page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1400})
    assert shot.stat().st_size > 10_000
    if os.environ.get("CAJ_UPDATE_SCREENSHOT"):
        shutil.copy(shot, REPO / "docs" / "web.png")


def test_fact_page_via_its_link(page):
    page.goto(page.base + "/caj/timeline?country=uz")
    page.click('a[href="/caj/fact?id=enersok-jbic-loan-2023"]')
    page.wait_for_url("**/caj/fact?id=enersok-jbic-loan-2023")
    text = page.inner_text("table.rows-and-columns")
    assert "jbic-2023-03-24" in text and "idsa-2024" in text
    assert "refines" in text or "supports" in text or "states" in text


def test_fill_and_submit_a_canned_query(page):
    page.goto(page.base + "/caj/oda")
    page.fill('input[name="year"]', "2016")
    page.fill('input[name="country"]', "UZ")
    page.fill('input[name="currency"]', "usd")
    page.click('form.sql input[type="submit"]')
    page.wait_for_url("**/caj/oda?*year=2016*")
    text = page.inner_text("table.rows-and-columns")
    assert "oda-2016-uzbekistan" in text and "oda-2016-kazakhstan" not in text
    assert "3207.74 mln" in text and "108.79" in text


def test_a_malformed_value_is_a_clear_error_on_the_form(page):
    page.goto(page.base + "/caj/timeline")
    page.fill('input[name="year"]', "20x6")
    page.click('form.sql input[type="submit"]')
    page.wait_for_load_state()
    assert "year: '20x6' is not a date" in page.inner_text("body")
