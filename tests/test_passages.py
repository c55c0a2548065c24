"""Issue 26: every claim is its passage. Against the two documents themselves (../shared/seeds
beside the clone; in CI they must be there): a locator's endnote is the one printed after the
quoted sentence, no text of ours copies a run of eight words from a document, and a passage that
hedges is not made a plain fact in its title or summary."""

from __future__ import annotations

import re

import pytest

from test_quotes import SEEDS, documents, normalise

RUN = 8  # words: a shared run this long is copying, not a name or a term
# what makes a quoted passage a hedge (issue 26), and the words that carry one over into ours
HEDGED = ("possible", "can", "could", "may", "expected", "anticipated", "willing", "often",
          "argued", "aims")
HEDGES = (*HEDGED, "possibly", "might", "would", "likely", "expect", "expects", "anticipates",
          "willingness", "argues", "argue", "aim", "aimed", "aiming", "meant", "intends",
          "intended", "tend", "tends", "suggests", "predicts", "hopes", "seeks")
# an endnote: IDSA glues its digits to the end of a sentence ("observer.3"), AVİM writes "[n]"
NOTE = {"idsa-2024": re.compile(r"(?<=[\w)’”])[.!?](\d{1,2})(?=\s+[A-Z“‘(]|\s*$)"),
        "avim-2017": re.compile(r"\[(\d{1,2})\]")}
SENTENCE_END = re.compile(r"[.!?](?:\[\d+\]|\d{1,2})?(?=\s+[A-Z“‘(]|[A-Z][a-z]|\s*$)")
LOCATOR_NOTE = re.compile(r"\bn\. \[?(\d+)\]?")


@pytest.fixture(scope="module")
def texts():
    return documents()


def cited(dataset):
    """(fact, citation) for every quote of a document."""
    return [(f, c) for f in dataset.facts.values() for c in f.citations
            if c.quote and c.source in SEEDS]


def span(text: str, quote: str) -> tuple[int, int]:
    """Where a quote stands in its document, from its first piece to its last ("…" cuts)."""
    at, start = 0, None
    for piece in (p.strip() for p in normalise(quote).split("…")):
        found = text.find(piece, at)
        assert found >= 0, piece
        start = found if start is None else start
        at = found + len(piece)
    return start, at


def sentences_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentences a span lies in, with the endnote printed after the last of them."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    begin = max((e for e in ends if e <= start), default=0)
    stop = min((e for e in ends if e >= end), default=len(text))
    return begin, stop


def notes_after(source: str, text: str, quote: str) -> set[str]:
    """IDSA: the digits glued to the end of the quoted sentence. AVİM: the marks inside the quote,
    and the first one after it within its sentence ("highways[7] and to renew Manas Airport": the
    mark closes the words before it, not the sentence)."""
    start, end = span(text, quote)
    begin, stop = sentences_around(text, start, end)
    if source == "idsa-2024":
        return set(NOTE[source].findall(text[begin:stop]))
    inside = NOTE[source].findall(text[start:end])
    after = NOTE[source].search(text, end, stop)
    return {*inside, *([after.group(1)] if after else [])}


def test_a_locators_endnote_is_the_one_printed_after_the_quoted_sentence(dataset, texts):
    wrong = []
    for fact, c in cited(dataset):
        given = set(LOCATOR_NOTE.findall(c.locator))
        printed = notes_after(c.source, texts[c.source], c.quote)
        if given != printed:
            wrong.append((fact.id, c.locator, sorted(printed)))
    assert wrong == []


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("’", "'").lower())


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def outside_quotes(text: str) -> str:
    """Our text with what it puts in quotation marks taken out: that is quoting, not copying."""
    return re.sub(r"\"[^\"]*\"|“[^”]*”", " … ", text)


def our_texts(dataset):
    """(where, text) for every title, summary, note and source description of ours."""
    for f in dataset.facts.values():
        yield f.id, f.title
        yield f.id, f.summary
        for c in f.citations:
            if c.note:
                yield f"{f.id} ({c.source})", c.note
    for s in dataset.sources.values():
        for text in (s.description, s.reliability):
            if text:
                yield s.id, text


def test_nothing_of_ours_copies_eight_words_of_a_document(dataset, texts):
    theirs = set().union(*(runs(t) for t in texts.values()))
    copied = [(where, " ".join(run)) for where, text in our_texts(dataset)
              for run in runs(outside_quotes(text)) & theirs]
    assert copied == []


def hedged(text: str, hedges=HEDGED) -> bool:
    return any(re.search(rf"\b{h}\b", text, re.I) for h in hedges)


def test_a_hedged_passage_keeps_its_hedge_in_the_title_and_summary(dataset):
    bare = []
    for fact in dataset.facts.values():
        states = [c for c in fact.citations if c.source in SEEDS and c.stance == "states" and c.quote]
        if not any(hedged(c.quote) for c in states):
            continue
        if any("hedge" in (c.note or "") for c in fact.citations):
            continue  # a curator note says why the claim stands without one
        for fld in ("title", "summary"):
            if not hedged(getattr(fact, fld), HEDGES):
                bare.append((fact.id, fld))
    assert bare == []


@pytest.mark.parametrize("quote, notes", [
    ("Turkmenistan, while upholding its policy of neutrality, decided to participate", {"3"}),
    ("Japan established diplomatic relations with the CARs.", set()),
    ("In 1996, Prime Minister Hashimoto Ryutaro introduced the Silk Road Action Plan.", set()),
    ("The Japan International Cooperation Agency (JICA) supports human resource development", set()),
])
def test_the_endnote_rule_reads_idsa(texts, quote, notes):
    assert notes_after("idsa-2024", texts["idsa-2024"], quote) == notes


@pytest.mark.parametrize("quote, notes", [
    ("ordered the closure of the Semipalatinsk site", {"11"}),
    ("Japan supports Tajikistan in the fields of agriculture and water facilities", {"7"}),
    ("Main oil suppliers of Japan are Middle Eastern countries", set()),
])
def test_the_endnote_rule_reads_avim(texts, quote, notes):
    assert notes_after("avim-2017", texts["avim-2017"], quote) == notes


def test_the_copying_rule_sees_a_copied_run_and_not_a_quoted_one(texts):
    theirs = runs(texts["avim-2017"])
    copied = "In short, Japan is seeking for new partners as many other countries do."
    assert runs(outside_quotes(copied)) & theirs
    quoted = 'It says Japan "is seeking for new partners as many other countries" too.'
    assert not runs(outside_quotes(quoted)) & theirs


def test_the_hedge_rule_sees_a_dropped_hedge():
    assert hedged("Japan is willing to reduce its dependence on China")
    assert not hedged("Japan supports rare-earth production in Kazakhstan", HEDGES)
    assert hedged("Japan says it is willing to support it", HEDGES)
