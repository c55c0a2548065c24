"""The curated data itself: what the two documents say is all there, cited, and cross-checked."""

import json

from helpers import invoke

DOCS = {"idsa-2024", "avim-2017"}

# Pinned so that a fact lost or duplicated in an edit is noticed; change with the data, on purpose.
# Issue 18: the proposed aid package became a project (with its finance), no longer a bare figure.
COUNTS = {"event": 60, "figure": 7, "oda": 7, "project": 24}

# The seven ODA figures the two documents print, as (fact, amount, currency, year).
SEVEN_ODA = {
    ("oda-1993-central-asia", 2.57, "USD", 1993), ("oda-2008-central-asia", 108.48, "USD", 2008),
    ("oda-2016-kazakhstan", 1158.29, "JPY", 2016), ("oda-2016-kyrgyzstan", 815.42, "JPY", 2016),
    ("oda-2016-tajikistan", 418.17, "JPY", 2016), ("oda-2016-turkmenistan", 62.41, "JPY", 2016),
    ("oda-2016-uzbekistan", 3207.74, "JPY", 2016),
}

# Every disagreement that ../shared/curation/public-record.md lists, as (fact, public source); since
# issue 18 from pages checked against stored copies where the source first named had none.
PUBLIC_RECORD = {
    ("silk-road-action-plan", "kantei-1997-hashimoto"), ("silk-road-action-plan", "caci-2004-10-20"),
    ("turkmenistan-observer-caj", "mofa-2010-fm3"), ("turkmenistan-observer-caj", "tca-2017-ashgabat"),
    ("caj-summit-astana-2024-cancelled", "jiji-2024-08-09"),
    ("caj-summit-astana-2024-cancelled", "jiji-2025-12-19"),
    ("enersok-jbic-loan-2023", "jbic-2023-03-24"),
    ("tashguzar-kumkurgan-railway-2004", "jica-2012-02-27"),
    ("tashguzar-kumkurgan-railway-2004", "jica-2010-05-06"),
    ("gas-to-gasoline-turkmenistan", "trend-menafn-2024-02-01"),
    ("gas-to-gasoline-turkmenistan", "interfax-2024-01-23"),
    ("jica-trainees-to-2022", "mofa-oda-wp-2017"), ("jica-experts-to-2022", "mofa-oda-wp-2017"),
    ("aid-package-300bn-yen-2024", "voa-ndt-2024-08-09"),
    ("abe-central-asia-tour-2015", "afp-bt-2015-10-28"),
    ("abe-central-asia-tour-2015", "interfax-energy-2015"),
    ("abe-central-asia-tour-2015", "japantimes-2015-10-30"),
    ("semipalatinsk-closure-1991", "kazinform-2019-08-29"),
    ("canwfz-signed-2006", "kas-canwfz"), ("canwfz-in-force-2009", "kas-canwfz"),
    ("diplomatic-relations-1992", "jpemb-kz"), ("diplomatic-relations-1992", "uzemb-jp-relations"),
    ("diplomatic-relations-1992", "asiaplus-2018-10-03"),
    ("china-rare-earth-share", "hsnw-2014-03-17"),
}


def test_counts_per_kind_are_pinned(dataset):
    got = {}
    for fact in dataset.facts.values():
        got[fact.kind] = got.get(fact.kind, 0) + 1
    assert got == COUNTS


def test_the_seven_oda_figures_and_no_others(dataset):
    got = {(f.id, f.oda.amount, f.oda.currency, f.oda.year)
           for f in dataset.facts.values() if f.kind == "oda"}
    assert got == SEVEN_ODA


def test_undated_statements_carry_their_documents_date(dataset):
    """A statement the text makes without a date is dated by the document, and says so."""
    for fact in dataset.facts.values():
        if fact.date_basis == "source":
            stating = [c.source for c in fact.citations if c.stance == "states"]
            assert fact.date in {dataset.sources[s].date for s in stating}, fact.id


def test_facts_both_documents_state_are_one_record_with_two_citations(dataset):
    for fid in ("caj-dialogue-launched-2004", "diplomatic-relations-1992"):
        assert {c.source for c in dataset.facts[fid].citations} >= DOCS, fid


def test_the_document_slips_carry_curator_notes(dataset):
    def notes(fid):
        return " ".join(c.note or "" for c in dataset.facts[fid].citations)

    assert "currency" in notes("oda-2016-uzbekistan")
    assert "Nazarbayev" in notes("semipalatinsk-closure-1991")
    assert "93" in notes("china-rare-earth-share")


def test_conflicts_show_every_public_record_disagreement():
    rows = json.loads(invoke("conflicts", "--format", "json").out)
    shown = {(r["id"], s["source"]) for r in rows for s in r["sources"]}
    assert shown >= PUBLIC_RECORD


def test_public_record_keeps_the_documents_value(dataset):
    """A public source never replaces what the document states: it is a second citation."""
    for fid, source in PUBLIC_RECORD:
        stances = {c.source: c.stance for c in dataset.facts[fid].citations}
        assert stances[source] in ("supports", "contradicts", "refines"), (fid, source)
        assert DOCS & {s for s, st in stances.items() if st == "states"}, fid
