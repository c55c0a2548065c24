"""caj in Russian and Japanese: the language chosen by --lang, CAJ_LANG or the locale; every
record translated with its figures; machine formats keeping their keys, ids, dates and amounts;
search in each language; tables that fit the terminal with wide characters."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO
from helpers import invoke
from test_terminal import run_in_pty

LANGS = ("ru", "ja")


def records(*args: str, env: dict | None = None) -> list[dict]:
    result = invoke(*args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_the_real_translations_are_complete_and_keep_every_figure():
    result = invoke("validate")
    assert result.code == 0, result.out
    assert "translated into ja, ru" in result.err


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", ["timeline --with-undated", "oda", "projects", "sources", "topics",
                                     "countries", "conflicts"])
def test_machine_formats_keep_their_contract(lang, command):
    english = records(*command.split())
    other = records("--lang", lang, *command.split())
    assert [r["id"] for r in other] == [r["id"] for r in english]
    for en, tr in zip(english, other, strict=True):
        assert tr["lang"] == lang and "untranslated" not in tr, tr["id"]
        assert set(tr) - {"lang"} == set(en), tr["id"]
        for key in ("id", "kind", "date", "status", "stance", "amount", "currency", "year", "sources",
                    "countries", "topics", "value_stated", "url", "publisher"):
            assert tr.get(key) == en.get(key), (tr["id"], key)
        words = "reliability" if command == "sources" else "title"  # a source keeps its own title
        assert tr.get(words) != en.get(words) or tr["id"] in SAME_WORDS, (tr["id"], tr.get(words))


SAME_WORDS = {"ODA", "CA+J"}


@pytest.mark.parametrize("lang, when", [("ru", "29 августа 1991 г."), ("ja", "1991年8月29日")])
def test_dates_as_the_language_writes_them(lang, when):
    rows = records("--lang", lang, "timeline", "--from", "1991", "--to", "1991")
    assert when in [r["when"] for r in rows]


@pytest.mark.parametrize("lang, text", [("ru", "железная дорога"), ("ru", "железной дороги"),
                                        ("ja", "鉄道")])
def test_search_in_the_readers_language(lang, text):
    ids = [r["id"] for r in records("--lang", lang, "search", text)]
    assert "tashguzar-kumkurgan-railway-2004" in ids


def test_quotes_stay_verbatim_in_the_language_of_their_source():
    en = records("show", "silk-road-action-plan")
    ja = records("--lang", "ja", "show", "silk-road-action-plan")
    assert [c["quote"] for c in ja["citations"]] == [c["quote"] for c in en["citations"]]
    assert ja["title"] != en["title"] and ja["lang"] == "ja"


def test_the_language_from_caj_lang_and_the_locale(monkeypatch):
    monkeypatch.setenv("CAJ_LANG", "ru")
    assert records("oda", "--year", "2016")[0]["lang"] == "ru"
    monkeypatch.delenv("CAJ_LANG")
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")
    assert records("oda", "--year", "2016")[0]["lang"] == "ja"
    monkeypatch.setenv("LC_ALL", "C")
    assert "lang" not in records("oda", "--year", "2016")[0]
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")  # a locale caj does not speak is English
    assert "lang" not in records("oda", "--year", "2016")[0]
    assert records("--lang", "en", "oda", "--year", "2016")[0].get("lang") is None


@pytest.mark.parametrize("bad", ["xx", "ру", "fr"])
def test_an_unknown_language_is_one_line(bad, monkeypatch):
    result = invoke("--lang", bad, "oda")
    assert result.code == 2 and result.err.count("\n") == 1
    assert "caj speaks en (English), ja (日本語), ru (Русский)" in result.err
    monkeypatch.setenv("CAJ_LANG", bad)
    assert invoke("oda").code == 2


def cells(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", [["projects", "--country", "uzbekistan"], ["oda", "--year", "2016"],
                                     ["timeline", "--from", "2004", "--to", "2009"],
                                     ["show", "enersok-jbic-loan-2023"]])
def test_tables_fit_80_columns_in_each_language(lang, command):
    out = run_in_pty("--lang", lang, *command, columns=80)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert text.strip()
    widest = max(cells(line) for line in text.splitlines())
    assert widest <= 80, [line for line in text.splitlines() if cells(line) > 80]


def test_the_library_and_mcp_take_a_language():
    import caj

    assert caj.oda(year=2016, lang="ru") == records("--lang", "ru", "oda", "--year", "2016")
    with pytest.raises(caj.UsageError, match="unknown language"):
        caj.oda(lang="xx")


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_a_japanese_table_keeps_its_words_whole(columns):
    """Wide characters may break anywhere, but never into a column of single characters: the
    country heading, the dates and the labels stay whole."""
    out = run_in_pty("--lang", "ja", "projects", "--country", "uzbekistan", columns=columns)
    lines = [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", out).splitlines()]
    assert "ウズベキスタン" in [line.strip() for line in lines]
    assert not [line for line in lines if 0 < cells(line.strip()) <= 2], lines[:12]
    assert any("2004年" in line for line in lines)


@pytest.mark.parametrize("lang", ["ru", "ja"])
def test_the_interface_catalog_is_complete_and_keeps_its_placeholders(lang):
    """Every word caj prints has a translation, with each {placeholder} of the English kept, and
    the catalog is current: nothing the code says is missing from it."""
    from babel.messages.pofile import read_po

    from caj.catalogs import ui_template

    path = REPO / "src" / "caj" / "locale" / lang / "LC_MESSAGES" / "caj.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    entries = [m for m in catalog if m.id]
    missing = [m.id for m in entries
               if m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not missing, missing[:10]
    for m in entries:
        english = m.id if isinstance(m.id, str) else m.id[0]
        for said in ([m.string] if isinstance(m.string, str) else list(m.string)):
            holes = sorted(re.findall(r"\{[^{}]*\}", english)), sorted(re.findall(r"\{[^{}]*\}", said))
            assert holes[0] == holes[1], english
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in ui_template() if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in entries}
    assert not wanted - have, sorted(wanted - have)[:10]


USAGE_SLIPS = [  # Typer's Click words these in English only; caj words them in each language
    (["timeline", "--zzz"], {"en": "no such option: --zzz", "ru": "нет такого параметра: --zzz",
                              "ja": "オプション --zzz はない"}),
    (["timeline", "--tim"], {"en": "no such option: --tim; did you mean --to, --topic?",
                             "ru": "нет такого параметра: --tim; возможно, имелось в виду --to, --topic?",
                             "ja": "オプション --tim はない。もしかして: --to、--topic"}),
    (["timeline", "--year"], {"en": "option --year needs a value",
                              "ru": "для параметра --year нужно указать значение",
                              "ja": "オプション --year に値が指定されていない"}),
    (["search", "x", "--limit", "abc"], {"en": "--limit: 'abc' is not a whole number",
                                         "ru": "--limit: 'abc' — не целое число",
                                         "ja": "--limit: 'abc' は整数ではない"}),
    (["search", "x", "--limit", "0"], {"en": "--limit: 0 is not between 1 and 10000",
                                       "ru": "--limit: 0 — не в диапазоне от 1 до 10000",
                                       "ja": "--limit: 0 は 1 から 10000 の範囲にない"}),
    (["timeline", "a", "b"], {"en": "unexpected extra argument(s): a b; `caj timeline -h` lists its options",
                              "ru": "лишние аргументы: a b; `caj timeline -h` выводит параметры команды",
                              "ja": "余分な引数: a b。オプションは `caj timeline -h` で表示する"}),
]


@pytest.mark.parametrize("lang", ["en", "ru", "ja"])
@pytest.mark.parametrize("args, said", USAGE_SLIPS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_typers_own_usage_errors_in_the_readers_language(args, said, lang):
    result = invoke("--lang", lang, *args)
    assert (result.code, result.out, result.err) == (2, "", f"caj: {said[lang]}\n")
