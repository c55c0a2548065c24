"""Places in the reader's language: every country and region is found by its CLDR name in
Japanese, Russian and the republics' own languages and scripts, with or without diacritics and
whatever apostrophe the reader types."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from caj.core.names import fold
from helpers import invoke

NAMES = {
    "uzbekistan": ["Uzbekistan", "Узбекистан", "ウズベキスタン", "Oʻzbekiston", "O'zbekiston",
                   "O‘zbekiston", "O’zbekiston", "Ozbekiston", "Ўзбекистон", "Ӯзбекистон",
                   "Өзбекстан", "Özbegistan"],
    "kazakhstan": ["Қазақстан", "Qazaqstan", "Казахстан", "カザフスタン", "Qozogʻiston", "Gazagystan"],
    "kyrgyzstan": ["Кыргызстан", "Киргизия", "キルギス", "Қырғызстан", "Qirgʻiziston", "Gyrgyzystan"],
    "tajikistan": ["Тоҷикистон", "Таджикистан", "タジキスタン", "Тәжікстан", "Tojikiston", "Täjigistan",
                   "Tajigistan"],
    "turkmenistan": ["Türkmenistan", "Туркменистан", "トルクメニスタン", "Түрікменстан", "Turkmaniston",
                     "Туркманистон"],
    "japan": ["日本", "Япония", "Yaponiya", "Ýaponiýa"],
    "central-asia": ["中央アジア", "Центральная Азия", "Орталық Азия", "Markaziy Osiyo", "Merkezi Aziýa"],
}
CASES = [(target, name) for target, names in NAMES.items() for name in names]


@pytest.mark.parametrize("name", ["Oʻzbekiston", "O'zbekiston", "O‘zbekiston", "O’zbekiston",
                                  "Ozbekiston", "OZBEKISTON"])
def test_apostrophe_variants_fold_alike(name):
    assert fold(name) == "ozbekiston"


@pytest.mark.parametrize("target, name", CASES)
def test_every_country_option_resolves_the_name(conn, target, name):
    from caj.reading.queries import resolve

    assert resolve(conn, "country", name) == target


@pytest.mark.parametrize("name", ["Узбекистан", "ウズベキスタン", "Oʻzbekiston"])
def test_country_options_of_the_commands_take_the_name(name):
    for args in (["timeline"], ["oda"], ["projects"]):
        res = invoke(*args, "--country", name, "--format", "json")
        assert res.code == 0, (args, res.err)
        assert json.loads(res.out), args


def test_projects_of_a_country_named_in_its_language():
    rows = json.loads(invoke("projects", "--country", "Туркменистан", "--format", "json").out)
    assert "turkmenistan-contracts-japanese-companies-2009" in {r["id"] for r in rows}
    rows = json.loads(invoke("projects", "--country", "Қазақстан", "--format", "json").out)
    assert "kazakhstan-uranium-partnership" in {r["id"] for r in rows}


@pytest.mark.parametrize("query, target", [
    ("Узбекистан", "uzbekistan"), ("ウズベキスタン", "uzbekistan"), ("Oʻzbekiston", "uzbekistan"),
    ("Ozbekiston", "uzbekistan"), ("O'zbekiston", "uzbekistan"), ("O‘zbekiston", "uzbekistan"),
    ("Qozog'iston", "kazakhstan"), ("Тоҷикистон", "tajikistan"), ("中央アジア", "central-asia"),
    ("Кыргызстан", "kyrgyzstan"),
])
def test_search_finds_the_place_and_its_facts(query, target):
    rows = json.loads(invoke("search", query, "--format", "json").out)
    assert rows and rows[0]["id"] == target
    assert any(r["id"] != target for r in rows), "facts of the place are found too"


def test_names_come_from_cldr_and_only_for_places(conn):
    rows = conn.execute("SELECT DISTINCT n.target FROM names n JOIN entities e ON e.id = n.target "
                        "WHERE n.name = 'Узбекистан' OR n.name = 'Япония'").fetchall()
    assert {r[0] for r in rows} == {"uzbekistan", "japan"}
    people = conn.execute("SELECT count(*) FROM names n JOIN entities e ON e.id = n.target "
                          "WHERE e.kind NOT IN ('country', 'region') AND n.name GLOB '*[А-я]*'")
    assert people.fetchone()[0] == 0


def test_a_lookup_never_imports_babel(db_path):
    from conftest import env

    code = ("import sys\nfrom caj.cli import main\nsys.argv = ['caj', 'timeline', '--country', "
            "'Узбекистан', '--format', 'csv']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('babel' in sys.modules, 'pydantic' in sys.modules, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env(CAJ_DB=str(db_path)), check=True)
    assert proc.stdout.count("\n") > 1
    assert proc.stderr.split()[-2:] == ["False", "False"]


def test_other_scripts_are_indexed_apart_from_the_text(conn):
    """Names in other scripts sit in their own search column: bodies and snippets stay English,
    and bm25 scores an English query as it did before."""
    body, names = conn.execute("SELECT body, names FROM search_docs WHERE ref = 'uzbekistan'").fetchone()
    assert "Узбекистан" in names and "Узбекистан" not in body
    assert "ozbekiston" in names.split(" · ") and "Uzbekistan" not in names
