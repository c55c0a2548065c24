"""Exports, each checked by the tool that reads it: TimelineJS (its JSON format, and the library
itself in headless Chromium), Frictionless (frictionless validate) and CSL processors."""

from __future__ import annotations

import csv
import html
import importlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from helpers import invoke

CI = os.environ.get("CI") == "true"
SCHEMA = Path(__file__).with_name("timelinejs.schema.json")
TIMELINEJS = Path(os.environ.get("CAJ_TIMELINEJS") or
                  REPO / ".cache" / "npm" / "node_modules" / "@knight-lab" / "timelinejs")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def need(module: str):
    """Import a test-extra module; in CI its absence fails the test, elsewhere it skips it."""
    if CI:
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} (test extra) is not installed")


@pytest.fixture
def timeline_json(tmp_path) -> dict:
    out = tmp_path / "timeline.json"
    result = invoke("export", "timelinejs", "--out", str(out))
    assert result.code == 0, result.err
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: \d+ events\n", result.err)
    return json.loads(out.read_text(encoding="utf-8"))


# --- TimelineJS --------------------------------------------------------------------------------


def test_timelinejs_matches_the_documented_format(timeline_json):
    jsonschema = need("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(timeline_json, schema, cls=jsonschema.Draft202012Validator)


def test_timelinejs_schema_rejects_a_misspelt_key(timeline_json):
    jsonschema = need("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    timeline_json["events"][0]["start_date"]["mnth"] = 8
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(timeline_json, schema, cls=jsonschema.Draft202012Validator)


def test_one_event_per_fact_at_its_real_precision(timeline_json, conn):
    from caj.reading import queries

    facts = list(queries.timeline(conn))
    events = timeline_json["events"]
    assert [e["unique_id"] for e in events] == [f["id"] for f in facts]
    assert timeline_json["title"]["text"]["headline"]
    for fact, event in zip(facts, events, strict=True):
        start = fact["date"].split("/")[0].rstrip("~?%")
        if re.fullmatch(r"\d{4}(-\d\d){0,2}", start):
            parts = start.split("-")
            assert list(event["start_date"].values()) == [int(p) for p in parts], fact["date"]
        assert event["display_date"] == fact["when"]
        if fact["date"].endswith("~"):
            assert event["display_date"].startswith("c. ")
        if "/" in fact["date"] or fact["date"].rstrip("~?%").endswith("X"):
            assert "end_date" in event, fact["date"]
        else:
            assert "end_date" not in event, fact["date"]


def test_timelinejs_decades_and_intervals():
    from caj.faces.export import tl_dates

    assert tl_dates("199X") == ({"year": 1990}, {"year": 1999})
    assert tl_dates("2006/2009") == ({"year": 2006}, {"year": 2009})
    assert tl_dates("2024-10/2025") == ({"year": 2024, "month": 10}, {"year": 2025})
    assert tl_dates("1991-08-29") == ({"year": 1991, "month": 8, "day": 29}, None)
    assert tl_dates("2017~") == ({"year": 2017}, None)
    assert tl_dates("../2022") == ({"year": 2022}, None)


def test_timelinejs_groups_by_country_and_cites(timeline_json, conn):
    from caj.faces import cite
    from caj.reading import queries

    groups = {e["group"] for e in timeline_json["events"]}
    assert {"Kazakhstan", "Uzbekistan", "Central Asia"} <= groups
    labels = {s["source"]["id"]: cite.label(s["source"]) for s in queries.all_sources(conn)}
    for fact, event in zip(queries.timeline(conn), timeline_json["events"], strict=True):
        text = event["text"]["text"]
        for s in fact["sources"]:
            assert labels[s["source"]].replace("'", "&#x27;").replace('"', "&quot;") in text


def _timelinejs_page(tmp_path: Path, data: dict) -> Path:
    dist = TIMELINEJS / "dist"
    page = tmp_path / "index.html"
    page.write_text(f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(dist / 'css' / 'timeline.css').as_uri()}">
<script src="{(dist / 'js' / 'timeline.js').as_uri()}"></script></head>
<body><div id="timeline-embed" style="width: 1200px; height: 700px"></div><script>
window.loaded = false;
const data = {json.dumps(data)};
const tl = new TL.Timeline("timeline-embed", data,
  {{...(data.options || {{}}), script_path: "{(dist / 'js').as_uri()}/", hash_bookmark: false}});
tl.on("loaded", () => {{ window.loaded = true; }});
</script></body></html>""", encoding="utf-8")
    return page


def _render_timelinejs(tmp_path, data: dict) -> dict:
    """TimelineJS itself, in headless Chromium: what it built from `data`, and any error."""
    sync_api = need("playwright.sync_api")
    missing = [what for what, there in (
        (f"TimelineJS ({TIMELINEJS}; `.ci/run` installs it with npm)", (TIMELINEJS / "dist").is_dir()),
        (f"Chromium ({CHROMIUM})", CHROMIUM.exists())) if not there]
    if missing:
        if CI:
            pytest.fail("missing: " + ", ".join(missing))
        pytest.skip("missing: " + ", ".join(missing))
    page_file = _timelinejs_page(tmp_path, data)
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        # TimelineJS fetches its language file beside its script, here a file
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=[*CHROMIUM_ARGS, "--allow-file-access-from-files"])
        try:
            page = browser.new_page()
            # no network here: the theme's web fonts are answered empty rather than failing
            page.route(re.compile(r"^https?://"), lambda route: route.fulfill(status=204, body=""))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.wait_for_function("window.loaded === true", timeout=30_000)
            slides = page.evaluate("document.querySelectorAll('.tl-slide').length")
            markers = page.evaluate("document.querySelectorAll('.tl-timemarker').length")
            groups = page.evaluate("[...document.querySelectorAll('.tl-timegroup-message')]"
                                   ".map(e => e.textContent)")
            language = page.evaluate("tl.language.lang || 'en'")
            months = page.evaluate("tl.language.date.month")
        finally:
            browser.close()
    return {"errors": errors, "slides": slides, "markers": markers, "groups": groups,
            "language": language, "months": months}


def test_timelinejs_renders_every_slide_without_errors(timeline_json, tmp_path):
    """TimelineJS itself, in headless Chromium, builds one slide per event plus the title."""
    shown = _render_timelinejs(tmp_path, timeline_json)
    assert shown["errors"] == []
    assert shown["slides"] == len(timeline_json["events"]) + 1
    assert shown["markers"] == len(timeline_json["events"])
    assert set(shown["groups"]) == {e["group"] for e in timeline_json["events"]}
    assert shown["language"] == "en"


@pytest.fixture(autouse=True)
def _english_after():
    """A command run here in another language leaves the next test in English."""
    yield
    from caj.core import i18n

    i18n.use("en")


def _timelinejs_in(tmp_path, lang: str) -> dict:
    out = tmp_path / f"timeline-{lang}.json"
    result = invoke("--lang", lang, "export", "timelinejs", "--out", str(out))
    assert result.code == 0, result.err
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["ru", "ja"])
def test_timelinejs_in_the_readers_language(tmp_path, timeline_json, conn, lang):
    """The events' words in the language, TimelineJS told to speak it; ids and dates unchanged."""
    jsonschema = need("jsonschema")
    data = _timelinejs_in(tmp_path, lang)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")),
                        cls=jsonschema.Draft202012Validator)
    assert data["options"] == {"language": lang} and timeline_json["options"] == {"language": "en"}
    english = timeline_json["events"]
    assert [e["unique_id"] for e in data["events"]] == [e["unique_id"] for e in english]
    assert [e["start_date"] for e in data["events"]] == [e["start_date"] for e in english]
    facts = json.loads(invoke("--lang", lang, "timeline", "--format", "json").out)
    assert [e["text"]["headline"] for e in data["events"]] == [html.escape(f["title"]) for f in facts]
    assert [e["display_date"] for e in data["events"]] == [f["when"] for f in facts]
    translated = {r[0] for r in conn.execute(
        "SELECT ref FROM translations WHERE lang = ? AND tbl = 'facts' AND field = 'title'", (lang,))}
    changed = [e for e, en in zip(data["events"], english, strict=True)
               if e["text"]["headline"] != en["text"]["headline"]]
    assert {e["unique_id"] for e in changed} == translated & {e["unique_id"] for e in english}
    names = dict(conn.execute("SELECT ref, text FROM translations WHERE lang = ? AND tbl = 'entities' "
                              "AND field = 'name'", (lang,)).fetchall())
    assert names["kazakhstan"] in {e["group"] for e in data["events"]}


def test_timelinejs_speaks_russian_in_the_browser(tmp_path):
    """TimelineJS loads its own Russian (month names, buttons) from the file's options."""
    data = _timelinejs_in(tmp_path, "ru")
    shown = _render_timelinejs(tmp_path, data)
    assert shown["errors"] == []
    assert shown["slides"] == len(data["events"]) + 1
    assert shown["language"] == "ru" and "августа" in shown["months"], shown["months"]


# --- Frictionless data package ------------------------------------------------------------------


@pytest.fixture
def package(tmp_path) -> Path:
    out = tmp_path / "pkg"
    result = invoke("export", "datapackage", str(out))
    assert result.code == 0, result.err
    assert result.err == f"wrote {out}: 11 tables\n"
    return out


def test_datapackage_validates(package):
    frictionless = need("frictionless")
    report = frictionless.validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_a_broken_copy_fails_validation(package, tmp_path):
    frictionless = need("frictionless")
    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    path = broken / "citations.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[1] = text[1].replace(text[1].split(",")[2], "no-such-source", 1)  # a dangling source id
    path.write_text("".join(text), encoding="utf-8")
    with (broken / "facts.csv").open("a", encoding="utf-8") as f:
        f.write("extra,event,2004,2004,not-a-date,2004-12-31,year,stated,t,s,occurred,maybe,false,false\n")
    report = frictionless.validate(str(broken / "datapackage.json"))
    assert not report.valid
    kinds = {e[0] for e in report.flatten(["type"])}
    assert {"foreign-key", "type-error"} <= kinds, kinds


def test_descriptor_describes_every_field(package):
    d = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert d["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert d["licenses"] and d["sources"] and d["name"] == "caj"
    names = {r["name"] for r in d["resources"]}
    assert {"facts", "citations", "sources", "entities", "fact_entities", "fact_topics", "oda"} <= names
    for r in d["resources"]:
        assert r["schema"]["primaryKey"]
        assert (package / r["path"]).exists()
        for field in r["schema"]["fields"]:
            assert field["type"] in ("string", "integer", "number", "boolean", "date"), field
            assert len(field["description"]) > 5, field
        with (package / r["path"]).open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == [x["name"] for x in r["schema"]["fields"]]
    refs = {(r["name"], fk["reference"]["resource"]) for r in d["resources"]
            for fk in r["schema"].get("foreignKeys", [])}
    assert ("citations", "facts") in refs and ("citations", "sources") in refs


def test_round_trip_gives_the_database_back(package, conn):
    frictionless = need("frictionless")
    pkg = frictionless.Package(str(package / "datapackage.json"))
    for table, key, sql in (
            ("facts", "id", "SELECT id FROM facts"), ("sources", "id", "SELECT id FROM sources"),
            ("entities", "id", "SELECT id FROM entities"), ("oda", "id", "SELECT fact_id FROM oda"),
            ("citations", None, "SELECT fact_id || ':' || n FROM citations"),
            ("fact_topics", None, "SELECT fact_id || ':' || topic_id FROM fact_topics"),
            ("fact_entities", None, "SELECT fact_id || ':' || entity_id || ':' || role FROM fact_entities")):
        rows = pkg.get_resource(table).read_rows()
        parts = ("fact_id", "n", "topic_id", "entity_id", "role")
        ids = sorted(str(r[key]) if key else ":".join(str(r[k]) for k in r.field_names if k in parts)
                     for r in rows)
        assert ids == sorted(r[0] for r in conn.execute(sql)), table
    facts = {r["id"]: r for r in pkg.get_resource("facts").read_rows()}
    one = facts["oda-2016-uzbekistan"]
    assert one["date"] == "2016" and one["corroborated"] in (True, False)
    assert str(one["earliest"]) == "2016-01-01"


def test_datapackage_replaces_a_previous_export_and_refuses_other_folders(package, tmp_path):
    again = invoke("export", "datapackage", str(package), "--quiet")
    assert again.code == 0 and again.err == ""
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    result = invoke("export", "datapackage", str(other))
    assert result.code == 2 and "did not write: mine.txt" in result.err and result.err.count("\n") == 1
    assert (other / "mine.txt").read_text() == "keep me"


def test_a_failed_export_leaves_nothing_behind(tmp_path, monkeypatch, package):
    from caj.faces import export

    before = {p.name: p.read_bytes() for p in package.iterdir()}
    calls = []

    def fail_on_third(path, columns, rows):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        real(path, columns, rows)

    real = export._write_csv
    monkeypatch.setattr(export, "_write_csv", fail_on_third)
    result = invoke("export", "datapackage", str(package))
    assert result.code == 1 and "disk full" in result.err
    assert {p.name: p.read_bytes() for p in package.iterdir()} == before
    calls.clear()
    fresh = invoke("export", "datapackage", str(tmp_path / "new"))
    assert fresh.code == 1 and not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_failed_file_export_keeps_the_old_file(tmp_path):
    from caj.core.safefile import open_output

    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


# --- CSL-JSON and the command line ---------------------------------------------------------------


def test_csl_json_export_has_every_source(tmp_path, conn):
    out = tmp_path / "refs.json"
    result = invoke("export", "csl-json", "--out", str(out))
    assert result.code == 0, result.err
    items = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(i["id"] for i in items) == sorted(r[0] for r in conn.execute("SELECT id FROM sources"))
    piped = invoke("export", "csl-json")
    assert json.loads(piped.out) == items and piped.err == ""


def test_exports_to_stdout_when_no_file_is_given():
    result = invoke("export", "timelinejs")
    assert result.code == 0 and result.err == ""
    assert json.loads(result.out)["events"]


def test_quiet_build_says_nothing(tmp_path):
    result = invoke("build", "--out", str(tmp_path / "x.db"), "--quiet")
    assert result.code == 0 and result.err == "" and result.out == ""


def test_progress_shows_on_a_terminal_only(monkeypatch):
    import time

    from caj.faces.terminal import progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0.01)  # as though the work were slow
    for stream, quiet, shown in ((Tty(), False, True), (Tty(), True, False), (io.StringIO(), False, False)):
        monkeypatch.setattr("sys.stderr", stream)
        with progress.Progress("exporting", quiet=quiet) as progress_bar:
            progress_bar(5, 10)
            time.sleep(0.3)
        assert ("exporting" in stream.getvalue()) is shown, (quiet, stream.getvalue())


def test_a_reader_leaving_early_ends_quietly(db_path):
    import subprocess

    from conftest import caj_exe, env

    proc = subprocess.Popen([*caj_exe(), "export", "timelinejs"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env(CAJ_DB=str(db_path)))
    assert proc.stdout.read(100).startswith(b'{"title"')
    proc.stdout.close()  # as `| head -c 100` does
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and err == b""


# --- in the reader's language ---------------------------------------------------------------------


def test_datapackage_carries_every_translation(package, conn):
    """The translations table is a resource of its own, typed and described, whatever the
    language asked; rows as the database has them."""
    frictionless = need("frictionless")
    d = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in d["resources"] if r["name"] == "translations"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert list(fields) == ["lang", "tbl", "ref", "field", "text"]
    assert resource["schema"]["primaryKey"] == ["lang", "tbl", "ref", "field"]
    assert "facts" in fields["tbl"]["constraints"]["enum"]
    assert "FACT#N" in fields["ref"]["description"] and "ISO 639-1" in fields["lang"]["description"]
    rows = frictionless.Package(str(package / "datapackage.json")).get_resource("translations").read_rows()
    got = sorted((r["lang"], r["tbl"], r["ref"], r["field"], r["text"]) for r in rows)
    stored = conn.execute("SELECT lang, tbl, ref, field, text FROM translations")
    assert got == sorted(tuple(r) for r in stored)
    assert {g[0] for g in got} == {"ru", "ja"}


def test_datapackage_is_the_same_in_every_language(package, tmp_path):
    other = tmp_path / "ja"
    result = invoke("--lang", "ja", "export", "datapackage", str(other))
    assert result.code == 0, result.err
    assert sorted(p.name for p in other.iterdir()) == sorted(p.name for p in package.iterdir())
    for p in package.iterdir():
        assert (other / p.name).read_bytes() == p.read_bytes(), p.name


@pytest.mark.parametrize("lang", ["ru", "ja"])
def test_csl_json_items_say_their_language(tmp_path, conn, lang):
    english = json.loads(invoke("export", "csl-json").out)
    items = json.loads(invoke("--lang", lang, "export", "csl-json").out)
    assert [i["id"] for i in items] == [i["id"] for i in english]
    described = dict(conn.execute("SELECT ref, text FROM translations WHERE lang = ? AND tbl = 'sources' "
                                  "AND field = 'description'", (lang,)).fetchall())
    titled = {r[0] for r in conn.execute("SELECT id FROM sources WHERE title IS NOT NULL")}
    assert described and titled
    for item, en in zip(items, english, strict=True):
        if item["id"] in titled:  # the source's own title, as published, in its own language
            assert item["title"] == en["title"] and item["language"] == en["language"]
        elif item["id"] in described:
            assert item["title"] == f"[{described[item['id']]}]" and item["language"] == lang
        else:
            assert item["language"] == "en"
    csl = need("citeproc")  # a CSL processor takes the items as they are
    source = csl.source.json.CiteProcJSON(items)
    assert {i["id"] for i in items} <= set(source)
