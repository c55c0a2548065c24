"""The reader pages in a real browser: headless Chromium (the system's own, driven by Playwright, no
browser download) opens them at desktop and phone width, runs axe-core (WCAG 2 A and AA) on each,
checks nothing scrolls sideways on a phone, fills a form by keyboard and prints a fact page.

In CI (CI=true) it must run; elsewhere it skips, naming what is missing. axe-core comes from npm
into .cache/npm/node_modules/axe-core/ (`.ci/run` fetches it). To refresh the screenshots in docs/:
CAJ_UPDATE_SCREENSHOTS=1 python -m pytest tests/test_browser.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = Path(os.environ.get("CAJ_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
WIDTHS = (1280, 390)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
READER = ["/", "/timeline", "/timeline?country=uz&from=2000", "/oda", "/oda?year=2016&currency=USD",
          "/projects", "/projects?country=kz", "/search", "/search?q=railway", "/conflicts", "/sources",
          "/facts/enersok-jbic-loan-2023", "/facts/oda-2016-uzbekistan", "/entities/uzbekistan",
          "/timeline?country=Uzbekstan", "/facts/enersok-jbic-loan"]


def _missing() -> str | None:
    for module, package in (("datasette", 'caj[web] (pip install "caj[web]")'),
                            ("playwright", "playwright (pip install playwright)")):
        try:
            __import__(module)
        except ImportError:
            return package
    if not CHROMIUM.is_file():
        return f"chromium (apt-get install chromium; looked for {CHROMIUM})"
    if not AXE.is_file():
        return f"axe-core (npm install axe-core into .cache/npm; looked for {AXE})"
    return None


MISSING = _missing()
if MISSING and not IN_CI:
    pytest.skip(f"browser test needs {MISSING}", allow_module_level=True)


@pytest.fixture(scope="module")
def browser(db_path):
    assert not MISSING, f"CI must run the browser test, but {MISSING} is missing"
    from playwright.sync_api import sync_playwright

    from test_web import served

    with served(db_path) as base, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        chromium.base = base
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def tab(request, browser):
    page = browser.new_page(viewport={"width": request.param, "height": 900})
    page.set_default_timeout(30_000)
    page.base, page.width = browser.base, request.param
    yield page
    page.close()


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


@pytest.mark.parametrize("path", READER)
def test_no_axe_violation_and_no_sideways_scrolling(tab, path):
    response = tab.goto(tab.base + path)
    assert response.status in (200, 400, 404)
    assert tab.evaluate("document.documentElement.lang") == "en"
    assert not violations(tab), path
    scroll, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{path} scrolls sideways at {tab.width} px: {scroll} > {inner}"


def test_the_timeline_form_by_keyboard(tab):
    tab.goto(tab.base + "/")
    tab.focus("#timeline-country")
    tab.keyboard.type("Uzbekistan")
    tab.keyboard.press("Tab")
    tab.keyboard.type("2000")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/timeline?*country=Uzbekistan*")
    text = tab.inner_text("main")
    assert "JBIC loan to ENERSOK for a 1,600 MW gas-fired power plant in Uzbekistan" in text
    assert "16 Mar 2023" in text and "AI traffic lights" not in text


def test_a_fact_opens_from_the_timeline(tab):
    tab.goto(tab.base + "/timeline?country=uz")
    tab.click('a[href="/facts/enersok-jbic-loan-2023"]')
    tab.wait_for_url("**/facts/enersok-jbic-loan-2023")
    text = tab.inner_text("main")
    assert "Stated by" in text and "Made more precise by" in text and "jbic-2023-03-24" in text


def test_a_bad_value_shows_the_commands_message(tab):
    response = tab.goto(tab.base + "/oda?year=20x6")
    assert response.status == 400
    assert "'20x6'" in tab.inner_text("[role=alert]")


def test_pictures_load_with_their_text(tab):
    tab.goto(tab.base + "/oda?year=2016")
    image = tab.locator("figure.picture img")
    image.scroll_into_view_if_needed()
    tab.wait_for_function("() => document.querySelector('figure.picture img').naturalWidth > 0")
    assert "bar chart" in image.get_attribute("alt")


def test_a_fact_prints_as_a_citation_card(browser, tmp_path):
    page = browser.new_page()
    page.goto(browser.base + "/facts/enersok-jbic-loan-2023")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('header')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.twins')).display") == "none"
    assert "<https://idsa.in/" in page.evaluate(
        "getComputedStyle(document.querySelector('article.card a[href^=\"http\"]'), '::after').content")
    pdf = tmp_path / "fact.pdf"
    page.pdf(path=str(pdf))
    assert pdf.stat().st_size > 5_000
    page.close()


SHOTS = {"home": "/", "timeline": "/timeline?country=uzbekistan", "fact": "/facts/enersok-jbic-loan-2023"}


@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots(tab, name, tmp_path):
    tab.goto(tab.base + SHOTS[name])
    tab.wait_for_load_state("networkidle")
    shot = tmp_path / f"web-{name}-{tab.width}.png"
    tab.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("CAJ_UPDATE_SCREENSHOTS"):
        (REPO / "docs" / shot.name).write_bytes(shot.read_bytes())
