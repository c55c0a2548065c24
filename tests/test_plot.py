"""Pictures: the rows the command prints, drawn honestly and the same way every time."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest

from conftest import caj_exe, env
from helpers import invoke

pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")
if os.environ.get("CI") == "true":
    import matplotlib  # noqa: F401  (in CI the extra must be there: fail, never skip)


def run(*args, **extra):
    environ = {k: v for k, v in env(**extra).items() if k != "MPLCONFIGDIR"}
    return subprocess.run([*caj_exe(), *args], capture_output=True, text=True, env=environ, timeout=300)


def test_matplotlib_is_not_imported_without_plot(db_path):
    code = ("import sys\nfrom caj import cli\nsys.argv = ['caj', 'timeline', '--format', 'csv']\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env(CAJ_DB=str(db_path)), timeout=120)
    assert result.stderr.endswith("[]"), result.stderr[-300:]


@pytest.mark.parametrize("args", [("timeline",), ("timeline", "--by", "kind", "--from", "2000"), ("oda",)])
@pytest.mark.parametrize("ext", ["svg", "png", "pdf"])
def test_same_command_same_bytes(tmp_path, db_path, args, ext):
    first, second = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
    for out in (first, second):
        result = invoke(*args, "--plot", str(out))
        assert result.code == 0, result.err
        assert result.err == f"wrote {out}: " + result.err.split(": ", 1)[1]
    assert first.read_bytes() == second.read_bytes()
    data = first.read_bytes()
    assert b"Matplotlib" not in data and b"CreationDate" not in data
    if ext == "svg":
        assert b"<dc:date>" not in data


def test_first_use_writes_its_font_cache_quietly(tmp_path, db_path):
    """No warning on stderr even when matplotlib builds its font cache, in a folder it may write."""
    cache = tmp_path / "cache"
    out = tmp_path / "t.svg"
    result = run("timeline", "--plot", str(out), CAJ_DB=str(db_path), XDG_CACHE_HOME=str(cache),
                 HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {out}: {result.stderr.split(': ', 1)[1]}"
    assert (cache / "caj" / "matplotlib").is_dir()
    assert out.read_text(encoding="utf-8").startswith("<?xml")


def _every_fact(conn) -> list[dict]:
    """The whole timeline, statements dated only by their document included where the query
    distinguishes them: those carry most of the approximate dates."""
    import inspect

    from caj.reading import queries

    wide = {"with_undated": True} if "with_undated" in inspect.signature(queries.timeline).parameters else {}
    return list(queries.timeline(conn, **wide))


def _figure(conn, kind="timeline", **query):
    from caj.faces import plot
    from caj.reading import queries

    if kind == "timeline":
        by = query.pop("by", "country")
        return plot.timeline_figure(conn, list(queries.timeline(conn, **query)), by, "selection"), query
    return plot.oda_figure(conn, queries.oda(conn, currency="USD", **query), "USD", "selection"), query


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 - 0.5 and b.x0 < a.x1 - 0.5 and a.y0 < b.y1 - 0.5 and b.y0 < a.y1 - 0.5


@pytest.mark.parametrize("query", [{}, {"by": "kind"}, {"date_from": 2000, "date_to": 2016},
                                   {"date_from": 2024, "date_to": 2024}, {"country": "uzbekistan"}])
def test_labels_do_not_overlap(conn, query):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, _ = _figure(conn, **query)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    labels = [t for t in fig.axes[0].texts if t.get_gid() == "caj-label"]
    assert labels
    boxes = [t.get_window_extent(renderer) for t in labels]
    clashes = [(a.get_text(), b.get_text()) for (a, ba), (b, bb) in
               itertools.combinations(zip(labels, boxes, strict=True), 2) if _overlap(ba, bb)]
    assert not clashes, clashes[:3]
    width = fig.bbox.width
    assert all(b.x0 >= 0 and b.x1 <= width for b in boxes), "a label runs off the picture"


def test_timeline_marks_approximate_dates_and_names_sources(conn):
    from caj.faces import plot

    rows = _every_fact(conn)
    fig = plot.timeline_figure(conn, rows, "country", "selection")
    hatched = [p for p in fig.axes[0].patches if p.get_hatch() and p.get_gid() == "caj-bar"]
    assert len(hatched) == sum(r["date"].endswith(("~", "?", "%")) for r in rows) > 0
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("c. 2017") for t in labels)
    text = " ".join(t.get_text() for t in fig.texts)
    assert "selection" in text and f"{len(rows)} facts" in text
    for source in {s["source"] for r in rows for s in r["sources"]}:
        assert f"({source})" in text.replace("\n", " "), source


def test_decades_and_intervals_are_spans(conn):
    from caj.faces import plot

    rows = _every_fact(conn)
    fig = plot.timeline_figure(conn, rows, "country", "")
    bars = [p for p in fig.axes[0].patches if p.get_gid() == "caj-bar"]
    widths = sorted(round(p.get_width(), 2) for p in bars)
    assert len(widths) == len(rows)
    # intervals across years and decades are wider than a year (1992-01/1992-04 is not)
    spans = [r for r in rows if ("/" in r["date"] and r["date"][:4] != r["date"].split("/")[1][:4])
             or r["date"].rstrip("~?%").endswith("X")]
    assert spans and sum(w > 1.01 for w in widths) >= len(spans)


def test_timeline_title_states_the_selection(tmp_path):
    out = tmp_path / "t.svg"
    result = invoke("timeline", "--from", "2000", "--to", "2009", "--country", "uz", "--plot", str(out))
    assert result.code == 0, result.err
    from caj.faces import plot

    assert plot.describe({"from": 2000, "to": 2009, "country": "uz"}) == "2000–2009 · country uz"


def test_oda_states_rate_and_marks_caveats(conn):
    from caj.faces import plot
    from caj.reading import queries

    rows = queries.oda(conn, currency="USD")
    assert all(r["caveats"] for r in rows)  # the real figures all carry some
    for r in rows:
        r["caveats"], r["disputed"] = [], False
    rows[2]["caveats"] = ["fiscal year, not calendar", "disbursement net of repayments"]
    fig = plot.oda_figure(conn, rows, "USD", "")
    caption = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "¥108.79" in caption and "wb-wdi-fx" in caption
    assert f"† fiscal year, not calendar: {rows[2]['id']}." in caption
    assert f"† disbursement net of repayments: {rows[2]['id']}." in caption
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == sum(bool(r.get("caveats")) or r["disputed"] for r in rows) >= 1
    assert any("†" in t.get_text() for t in fig.axes[0].texts)
    heights = sorted(round(p.get_height(), 2) for p in fig.axes[0].patches)
    usd = sorted(round(r["converted"], 2) for r in rows)  # every figure is in millions here
    assert heights == usd


def test_oda_in_yen_when_asked(tmp_path, conn):
    out = tmp_path / "o.svg"
    result = invoke("oda", "--currency", "JPY", "--plot", str(out))
    assert result.code == 0, result.err
    assert out.exists()


@pytest.mark.parametrize("args, code, message", [
    (("timeline", "--plot", "x.gif"), 2, "give a file ending in .svg, .png or .pdf"),
    (("timeline", "--from", "1900", "--to", "1901", "--plot", "x.svg"), 0, "nothing drawn"),
    (("oda", "--plot", "afile/x.svg"), 2, "does not exist"),
])
def test_plot_problems_are_one_line(tmp_path, args, code, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a folder")
    result = invoke(*args)
    assert result.code == code, result.err
    assert message in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "x.svg").exists()
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("query", [{"year": 2016}, {}, {"country": "uzbekistan"}])
def test_the_oda_key_covers_no_bar_and_no_label(conn, query):
    """The key stands in a band of its own: over the axes it hid the tallest bar's figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, _ = _figure(conn, "oda", **query)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    keys = [key.get_window_extent(renderer) for key in fig.legends + [fig.axes[0].get_legend()] if key]
    assert keys
    ax = fig.axes[0]
    drawn = [a.get_window_extent(renderer) for a in [*ax.patches, *ax.texts]]
    assert drawn and not [b for b in drawn for k in keys if _overlap(b, k)]
    assert all(t.get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y1 for t in ax.texts)
