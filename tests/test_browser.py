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
          "/timeline?country=Uzbekstan", "/facts/enersok-jbic-loan",
          # the second pass: shared links, the way on, every URL a page, citations, Datasette's pages
          "/timeline?fbclid=IwAR0x&utm_source=x", "/search?q=japan&page=2", "/search?q=zzqqxxw",
          "/timeline?from=2020&to=2000", "/no-such-page", "/facts", "/facts?by=country", "/entities",
          "/entities?by=name", "/sources/idsa-2024", "/facts/silk-road-action-plan",
          "/projects?country=uzbekistan", "/timeline?country=uz&by=kind"]
DATASETTE = ["/caj", "/caj/facts", "/caj/v_facts", "/caj/citations", "/caj/facts/enersok-jbic-loan-2023",
             "/caj?sql=select+id,+title+from+facts+limit+3", "/caj/no_such_table"]


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


@pytest.mark.parametrize("path", READER + DATASETTE)
def test_no_axe_violation_and_no_sideways_scrolling(tab, path):
    response = tab.goto(tab.base + path)
    assert response.status in (200, 400, 404)
    assert tab.locator("main").count() == 1 and tab.locator(".caj-menu, header nav").count() >= 1
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


# --- the second pass --------------------------------------------------------------------------------


def _contrast(a: str, b: str) -> float:
    def luminance(rgb: str) -> float:
        parts = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_shared_link_opens_and_a_form_sends_no_empty_field(tab):
    response = tab.goto(tab.base + "/timeline?fbclid=IwAR0x")
    assert response.status == 200 and tab.inner_text("h1") == "Timeline"
    tab.goto(tab.base + "/")
    tab.click("form[action='/timeline'] button")
    tab.wait_for_load_state()
    assert tab.url == tab.base + "/timeline" and tab.inner_text("h1") == "Timeline"
    assert tab.get_attribute("link[rel=canonical]", "href") == tab.base + "/timeline"


def test_search_hits_page_by_page(tab):
    tab.goto(tab.base + "/search?q=japan")
    first = tab.locator("ol.hits a.fact").all_inner_texts()
    tab.click("a[rel=next]")
    tab.wait_for_url("**page=2*")
    second = tab.locator("ol.hits a.fact").all_inner_texts()
    assert first and second and not set(first) & set(second)
    tab.click("a[rel=prev]")
    tab.wait_for_load_state()
    assert tab.locator("ol.hits a.fact").all_inner_texts() == first


def test_the_timeline_links_to_what_it_leaves_out(tab):
    tab.goto(tab.base + "/timeline")
    tab.click("p.undated a")
    tab.wait_for_url("**with_undated=1*")
    assert "*" in tab.inner_text("main")


def test_a_404_is_a_caj_page_with_the_way_on(tab):
    response = tab.goto(tab.base + "/timelines")
    assert response.status == 404
    assert tab.locator("ul.caj-menu a").count() >= 8
    tab.click("main a[href='/timeline']")
    tab.wait_for_url("**/timeline")


def test_a_near_miss_lands_on_the_right_page(tab):
    tab.goto(tab.base + "/facts/UZBEKISTAN")
    assert tab.url == tab.base + "/entities/uzbekistan" and tab.inner_text("h1") == "Uzbekistan"


def test_the_indexes_browse_by_kind_country_and_name(tab):
    tab.goto(tab.base + "/facts")
    tab.click("nav.orders a:has-text('by country')")
    tab.wait_for_url("**by=country")
    assert tab.locator("h2", has_text="Uzbekistan").count() == 1
    tab.goto(tab.base + "/entities")
    assert tab.locator("ul.entities a").count() > 50


def test_a_source_id_leads_to_its_source(tab):
    tab.goto(tab.base + "/timeline?country=uz")
    tab.click("span.src a[href='/sources#idsa-2024']")
    tab.wait_for_url("**/sources#idsa-2024")
    assert tab.evaluate("document.getElementById('idsa-2024').getBoundingClientRect().top") < 200


def test_ids_wrap_only_at_their_hyphens(tab):
    tab.goto(tab.base + "/facts/tashguzar-kumkurgan-railway-2004")
    for code in tab.locator("main .ident").all()[:40]:
        lines = code.evaluate("""e => { const r = document.createRange(); const out = [];
            for (const t of e.childNodes) { if (t.nodeType !== 3) continue;
              for (let i = 0; i < t.length; i++) { r.setStart(t, i); r.setEnd(t, i + 1);
                const box = r.getBoundingClientRect();
                if (box.width) out.push([t.data[i], Math.round(box.top)]); } }
            return out; }""")
        for (a, top_a), (b, top_b) in zip(lines, lines[1:], strict=False):
            assert top_a == top_b or a == "-", (tab.width, a, b)


def test_a_citation_to_copy_and_download(tab):
    tab.goto(tab.base + "/facts/enersok-jbic-loan-2023")
    block = tab.inner_text("section.citation")
    assert tab.base + "/facts/enersok-jbic-loan-2023" in block
    assert "data version" in block and "accessed" in block
    assert "caj cite" not in tab.inner_text("main")
    with tab.expect_download() as download:
        tab.click("section.citation a:has-text('BibTeX')")
    assert download.value.suggested_filename == "enersok-jbic-loan-2023.bib"
    assert "content" in tab.inner_text("footer") and "CC BY 4.0" in tab.inner_text("footer")


def test_headings_and_errors_in_the_readers_words(tab):
    tab.goto(tab.base + "/timeline?country=UZ")
    assert tab.inner_text("h1") == "Timeline: Uzbekistan"
    tab.goto(tab.base + "/timeline?from=2020&to=2000")
    assert tab.inner_text("[role=alert]") == "From 2020 is after To 2000"


def test_marks_are_explained_where_they_stand(tab):
    tab.goto(tab.base + "/oda?year=2016")
    mark = tab.locator("table abbr").first
    assert mark.get_attribute("title") and mark.locator(".vh").inner_text()
    assert tab.locator("dl.legend dt").all_inner_texts() == ["†"]
    legend_top = tab.evaluate("document.querySelector('dl.legend').getBoundingClientRect().top")
    assert legend_top < tab.evaluate("document.querySelector('table').getBoundingClientRect().top")


def test_the_oda_pictures_text_is_in_dollars(tab):
    tab.goto(tab.base + "/oda?year=2016")
    alt = tab.get_attribute("figure.picture img", "alt")
    caption = tab.inner_text("figcaption")
    assert "US$ million" in alt and "¥" not in alt and alt not in caption and "above" in caption


def test_projects_of_a_country_under_its_name(tab):
    tab.goto(tab.base + "/projects?country=uzbekistan")
    assert tab.locator("main h2").all_inner_texts() == ["Uzbekistan"]


def test_a_form_the_reader_opened_stays_open(tab):
    tab.goto(tab.base + "/timeline?country=uz")
    tab.click("details.narrow > summary")
    assert tab.evaluate("document.querySelector('details.narrow').open")
    tab.click("h1")
    tab.click("p.count")
    assert tab.evaluate("document.querySelector('details.narrow').open")


def test_focus_is_visible_at_three_to_one_on_every_background(tab):
    tab.goto(tab.base + "/timeline?country=uz")
    for selector in ("ul.caj-menu a", "main a.fact", "footer a", "details.narrow > summary"):
        tab.focus(selector)
        tab.keyboard.press("Shift+Tab")
        tab.keyboard.press("Tab")
        ring, width = tab.evaluate("s => { const e = document.activeElement; const c = getComputedStyle(e);"
                                   " return [c.outlineColor, c.outlineWidth]; }", selector)
        ground = tab.evaluate("""() => { let e = document.activeElement;
            while (e) { const b = getComputedStyle(e).backgroundColor;
              if (b && b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') return b; e = e.parentElement; }
            return 'rgb(255, 255, 255)'; }""")
        assert width != "0px" and _contrast(ring, ground) >= 3, (selector, ring, ground)


def test_the_timeline_pictures_lanes_from_the_form(tab):
    tab.goto(tab.base + "/timeline?country=uz")
    tab.click("details.narrow > summary")
    tab.select_option("#timeline-by", "kind")
    tab.click("form[action='/timeline'] button")
    tab.wait_for_url("**by=kind*")
    assert "one lane per kind of fact" in tab.get_attribute("figure.picture img", "alt")
