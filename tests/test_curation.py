"""The curated data itself: what the two documents say is all there, cited, and cross-checked."""

import json

from helpers import invoke

DOCS = {"idsa-2024", "avim-2017"}

# Pinned so that a fact lost or duplicated in an edit is noticed; change with the data, on purpose.
# Issue 18: the proposed aid package became a project (with its finance), no longer a bare figure.
# Issue 26: six statements the first pass missed (relative dates, assessments) became events, and
# the stated willingness on rare earths an event rather than a project.
COUNTS = {"event": 67, "figure": 7, "oda": 7, "project": 23}

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
    ("enersok-jbic-loan-2023", "jbic-2023-03-24"),
    ("tashguzar-kumkurgan-railway-2004", "jica-2012-02-27"),
    ("tashguzar-kumkurgan-railway-2004", "jica-2010-05-06"),
    ("gas-to-gasoline-turkmenistan", "trend-menafn-2024-02-01"),
    ("gas-to-gasoline-turkmenistan", "interfax-2024-01-23"),
    ("jica-trainees-to-2022", "mofa-oda-wp-2017"), ("jica-experts-to-2022", "mofa-oda-wp-2017"),
    ("aid-package-300bn-yen-2024", "voa-ndt-2024-08-09"),
    ("aid-package-300bn-yen-2024", "sputnik-jp-2024-08-07"),
    ("aid-package-300bn-yen-2024", "informationbz-2024-08-10"),
    ("tashguzar-kumkurgan-railway-2004", "gtreview-jbic-uzbek-railway"),
    ("abe-central-asia-tour-2015", "afp-bt-2015-10-28"),
    ("abe-central-asia-tour-2015", "interfax-energy-2015"),
    ("abe-central-asia-tour-2015", "japantimes-2015-10-30"),
    ("semipalatinsk-closure-1991", "kazinform-2019-08-29"),
    ("canwfz-signed-2006", "kas-canwfz"), ("canwfz-in-force-2009", "kas-canwfz"),
    ("diplomatic-relations-1992", "jpemb-kz"), ("diplomatic-relations-1992", "uzemb-jp-relations"),
    ("diplomatic-relations-1992", "asiaplus-2018-10-03"),
    ("china-rare-earth-share", "hsnw-2014-03-17"),
}


# Issue 26: what the record says happened next on a matter the documents leave open, as
# (fact, checked page); a later meeting follows the cancelled one, it does not refine it.
FOLLOWS = {
    ("caj-summit-astana-2024-cancelled", "jiji-2025-12-19"),
    ("caj-summit-astana-2024-cancelled", "newsaz-2025-12-20"),
    ("aid-package-300bn-yen-2024", "newsaz-2025-12-20"),
    ("middle-corridor-talks-2024", "jiji-adnkronos-2025-12-20"),
    ("kishida-visit-green-agenda-2024", "jiji-adnkronos-2025-12-20"),
    ("gas-to-gasoline-turkmenistan", "yomiuri-2025-04-13"),
    ("methane-reduction-turkmenistan", "yomiuri-2025-04-13"),
    ("japan-india-chabahar-investment", "livemint-2017-12-08"),
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


def test_what_followed_is_cited_and_never_a_conflict(dataset):
    got = {(f.id, c.source) for f in dataset.facts.values() for c in f.citations if c.stance == "follows"}
    assert got == FOLLOWS
    assert all(dataset.sources[s].checked and dataset.sources[s].url for _, s in got)
    rows = json.loads(invoke("conflicts", "--format", "json").out)
    assert not {s["source"] for r in rows for s in r["sources"]} & {s for _, s in FOLLOWS}


def test_a_general_statement_is_not_dated_by_one_instance(dataset):
    """Issue 26: "Japan invests in Uzbekistan to build power plants" is as of the document; the
    loans of Abe's 2015 tour are instances of it, cited in support, not its date."""
    for fid in ("japan-uzbekistan-power-plants", "japan-kazakhstan-nuclear-power-plants",
                "japan-kyrgyzstan-highways", "japan-kyrgyzstan-manas-airport"):
        fact = dataset.facts[fid]
        assert (fact.date, fact.date_basis) == ("2017~", "source"), fid
        assert {c.stance for c in fact.citations if c.source != "avim-2017"} == {"supports"}, fid


def test_names_as_the_documents_print_them(dataset):
    assert dataset.entities["turkey"].name == "Turkey"
    for fid in ("eco-founded", "post-soviet-engagement-strategies"):
        fact = dataset.facts[fid]
        assert "Türkiye" not in fact.title + fact.summary, fid


def test_since_then_has_its_own_heading_on_the_card_and_the_fact_page(conn):
    from caj.faces.web import reader
    from caj.reading import queries

    card = invoke("show", "caj-summit-astana-2024-cancelled", "--format", "table").out
    since = card[card.index("\nSince then\n"):]
    assert "jiji-2025-12-19" in since and "newsaz-2025-12-20" in since
    assert "jiji-2025-12-19" not in card[card.index("Made more precise by"):card.index("\nSince then\n")]
    page = reader.fact_card(conn, queries.show(conn, "caj-summit-astana-2024-cancelled"))
    groups = dict(page["groups"])
    assert [c["source"] for c in groups["Since then"]] == ["jiji-2025-12-19", "newsaz-2025-12-20"]
    record = json.loads(invoke("show", "caj-summit-astana-2024-cancelled", "--format", "json").out)
    assert {"source": "jiji-2025-12-19", "locator": "report of 19 December 2025",
            "stance": "follows"} in record["sources"]
