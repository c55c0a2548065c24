"""What each table, view and column of the database means, in the words of the field vocabulary.

One plain dict per level, stdlib only: the web view's metadata and the format documentation both
read it, so a column is described once. A test checks every column a reader can see has an entry.
"""

from __future__ import annotations

TITLE = "caj: Japan and Central Asia, fact by fact"

DESCRIPTION = (
    "Japan's relations with Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan: dated "
    "events, ODA figures and projects, each dated as precisely as its source allows and cited down to "
    "the paragraph. Start with the canned queries (timeline, oda, projects, conflicts, search) or "
    "browse v_facts; every fact id links to its page with all its citations."
)

LICENSE = "MIT"
LICENSE_URL = "https://opensource.org/licenses/MIT"

# Tables a reader never needs: build bookkeeping and lookup indexes. Virtual tables (FTS, R*Tree)
# and their shadow tables are found in the schema itself, not listed here.
INTERNAL = ("meta", "names", "search_docs")

TABLES = {
    "v_facts": "Every fact, one row each, with its countries and topics as JSON arrays (facet on "
               "them: a fact with two countries counts under each). Sorted by date.",
    "facts": "Every fact: events, ODA figures, projects and other figures. One row per fact.",
    "citations": "Every citation: which source states, supports, contradicts or refines a fact, and "
                 "where in the source.",
    "sources": "The sources facts cite: the two commentaries, the public record, the rate table.",
    "entities": "Countries, regions, organisations, companies, banks, initiatives, people and places.",
    "topics": "The topics facts are filed under.",
    "fact_countries": "Link table: each country or region a fact concerns (facet on entity_id to count "
                      "facts per country).",
    "fact_entities": "Link table: each entity involved in a fact, with its role.",
    "fact_topics": "Link table: each topic a fact is filed under (facet on topic_id to count facts "
                   "per topic).",
    "oda": "Japan's ODA figures as the sources state them: one row per figure.",
    "projects": "Projects Japan is part of: sector, partners, finance, capacity.",
    "figures": "Other stated quantities (values of agreements, distances, shares).",
    "fx": "Yen per US dollar, annual average, used to convert ODA amounts at query time.",
    "v_timeline": "Every fact in timeline order (earliest, latest, seq).",
    "v_oda": "ODA figures joined with their fact: date, title, sources.",
    "v_projects": "Projects joined with their fact: date, status, summary, sources.",
    "v_conflicts": "Every citation of a fact that the public record contradicts or refines.",
}

# Columns that mean the same wherever they appear.
COLUMNS = {
    "id": "Stable identifier (a readable slug that never changes once published).",
    "fact_id": "The fact this row belongs to.",
    "seq": "Position of the fact in timeline order (earliest, latest, id).",
    "kind": "Kind of record: event, oda, project or figure for facts.",
    "date": "Date in EDTF, as precise as the source allows: 2004, 2024-08, 1997~, 199X, 2006/2009.",
    "date_display": "The date as a person reads it ('Aug 2024', 'c. 1997'): the `when` field.",
    "when": "The date as a person reads it ('Aug 2024', 'c. 1997', '1990s').",
    "earliest": "Earliest day the date can mean (ISO); timelines sort on it.",
    "latest": "Latest day the date can mean (ISO).",
    "precision": "How precise the date is: day, month, year, decade, century or interval.",
    "date_basis": "What dates the fact: stated (the source dates it), record (the public record "
                  "dates it) or source (undated in the text, dated as of the document itself).",
    "year": "Year (for facts, the year the date begins).",
    "title": "Title, in the project's own words.",
    "summary": "Summary, in the project's own words.",
    "status": "occurred, planned, proposed, signed, cancelled, ongoing or expected.",
    "topics": "Topic ids the fact is filed under.",
    "countries": "Country and region ids the fact concerns.",
    "n_citations": "Number of citations.",
    "corroborated": "1 when both source documents state the fact.",
    "disputed": "1 when the public record contradicts the fact.",
    "refined": "1 when the public record refines the fact (a more precise date or figure).",
    "sources": "Citations as source:locator; source:locator.",
    "sources_json": "Citations as a JSON list of {source, locator, stance}.",
    "topic_id": "The topic.",
    "entity_id": "The entity.",
    "role": "The entity's role in the fact (donor, recipient, japanese-partner, lender...).",
    "n": "Order of the citation within its fact.",
    "source_id": "The source cited.",
    "locator": "Where in the source: section, paragraph, note.",
    "stance": "states, supports, contradicts or refines.",
    "value": "The figure as the source prints it, where it is a figure.",
    "note": "Curator's note.",
    "name": "Name.",
    "label": "Label.",
    "publisher": "Publisher.",
    "author": "Author, where known.",
    "url": "Address of the source, where known.",
    "reliability": "What the source is and how far to trust it.",
    "checked": "Day the page at `url` was read against a stored copy; empty: not checked against a copy.",
    "n_facts": "Number of facts citing it.",
    "iso2": "ISO 3166-1 alpha-2 code (countries).",
    "iso3": "ISO 3166-1 alpha-3 code (countries).",
    "country": "The country it belongs to or takes place in.",
    "aliases": "Other spellings, acronyms and former names; any of them finds it.",
    "donor": "Who gives the aid.",
    "recipient": "Who receives the aid (a country, or the region).",
    "year_basis": "What the year means: fiscal, calendar or unspecified.",
    "amount": "Amount as stated, in `scale` units of `currency`.",
    "currency": "Currency of the amount as stated (JPY, USD).",
    "scale": "Unit of the amount: unit, million or billion.",
    "factor": "Multiplier of the scale (1e6 for million).",
    "measure": "disbursement, commitment, total or unspecified.",
    "flow_type": "Grant, loan or technical cooperation, where known.",
    "value_stated": "The figure exactly as printed in the source.",
    "sector": "The project's sector (a topic id).",
    "capacity_value": "Capacity, as a number (e.g. 1600).",
    "capacity_unit": "Unit of the capacity (e.g. MW).",
    "finance_amount": "Finance amount.",
    "finance_currency": "Finance currency.",
    "finance_scale": "Finance scale (million, billion).",
    "finance_ceiling": "1 when the amount is a ceiling ('up to').",
    "finance_instrument": "Loan, grant, investment...",
    "japanese_partners": "Japanese companies and agencies in the project.",
    "local_partners": "Central Asian partners in the project.",
    "funders": "Funders and lenders.",
    "quantity": "What the figure measures.",
    "unit": "Unit of the figure.",
    "qualifier": "How exact the figure is (approximately, at least...).",
    "jpy_per_usd": "Yen per US dollar, annual average.",
    "fact_date": "The fact's date (EDTF).",
    "quote": "The sentence of the document that carries the date or figure, verbatim and short.",
    "description": "What the source is, where its real title is not known (shown in [brackets]).",
    "m49": "UN M49 area code (regions).",
    "low": "Low end of a figure printed as a range.",
    "high": "High end of a figure printed as a range.",
    "value_display": "The figure as caj shows it (a range as low–high).",
    "caveats": "What caj cannot vouch for in the figure (JSON list of short phrases).",
    "parent": "The broader topic; filtering by that one includes this.",
}

# Where a column means something particular in one table.
TABLE_COLUMNS = {
    "entities": {"kind": "Kind of entity: country, region, organisation, company, agency, bank, "
                         "ministry, initiative, framework, treaty, person, place, event."},
    "sources": {"kind": "analysis, official, press or dataset.",
                "date": "Date of the source (EDTF)."},
    "citations": {"date": "Date the citation gives, where it differs from the fact's."},
    "topics": {"label": "The topic's name."},
    "figures": {"value": "The figure, as a number."},
    "fx": {"source_id": "Where the rate comes from."},
    "v_facts": {"year": "Year the fact's date begins (facet on it)."},
}

# The canned queries' output columns, in the vocabulary every command speaks.
QUERY_COLUMNS = {
    "record": "fact or entity.",
    "match": "The passage that matched.",
    "document_says": "What the document says.",
    "record_says": "What the public record says.",
    "converted": "The amount in the asked currency at the year's average rate.",
    "converted_currency": "The currency asked for.",
    "rate_jpy_per_usd": "Yen per US dollar used for the conversion.",
    "rate_source": "Source of the rate.",
    "source_title": "The cited source's title.",
    "source_url": "The cited source's address.",
    "citation_date": "Date the citation gives.",
    "citation_value": "The figure as the source prints it.",
    "citation_note": "Curator's note on the citation.",
}


def describe(table: str, column: str) -> str | None:
    """A column's description: the table's own meaning first, then the shared one."""
    return TABLE_COLUMNS.get(table, {}).get(column) or COLUMNS.get(column) or QUERY_COLUMNS.get(column)
