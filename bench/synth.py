"""Synthetic data of caj's own schema, for scale tests: N facts beside the real sources, entities
and topics, written as data/ YAML that `caj validate` and `caj build` accept.

    python bench/synth.py 100000 /tmp/synth-100k [--data data] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

PER_FILE = 20_000
KINDS = ["event"] * 6 + ["oda"] * 2 + ["project"] + ["figure"]
STATUSES = ["occurred", "planned", "proposed", "signed", "cancelled", "ongoing", "expected"]
WORDS = [
    "railway", "pipeline", "uranium", "hydropower", "scholarship", "corridor", "loan", "grant",
    "summit", "memorandum", "refinery", "airport", "highway", "fertiliser", "methane", "turbine",
    "substation", "irrigation", "training", "dialogue", "agreement", "investment", "consortium",
    "feasibility", "tender", "bridge", "tunnel", "logistics"
]


SYLLABLES = ["ka", "ro", "mi", "tsu", "na", "be", "lo", "shi", "ar", "en", "ul", "ta", "do", "ri",
             "ga", "so", "ne", "pa", "ki", "mu"]


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Made-up words with Zipf frequencies (the k-th most common word ~ 1/k), as in real text; the
    domain words above are mixed in at about 2 % of records each, so a search term like "railway"
    matches a realistic share of a large corpus rather than a fifth of it."""
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(12_000)})
    rng.shuffle(words)
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank ** 1.07
        cum.append(total)
    return words, cum


def text(rng: random.Random, vocab: tuple[list[str], list[float]], n: int) -> str:
    words = rng.choices(vocab[0], cum_weights=vocab[1], k=n)
    if rng.random() < 0.6:
        words[rng.randrange(n)] = rng.choice(WORDS)
    return " ".join(words)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def date_for(rng: random.Random) -> str:
    year = rng.randint(1991, 2025)
    shape = rng.random()
    if shape < 0.5:
        return str(year)
    if shape < 0.75:
        return f"{year}-{rng.randint(1, 12):02d}"
    if shape < 0.9:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if shape < 0.95:
        return f"{year}~"
    return f"{year}/{min(2025, year + rng.randint(1, 4))}"


def fact(n: int, rng: random.Random, countries: list[str], actors: list[str], topics: list[str],
         vocab: tuple[list[str], list[float]]) -> dict:
    kind = rng.choice(KINDS)
    country = rng.choice(countries)
    words = text(rng, vocab, 8)
    date = date_for(rng)
    amount = round(rng.uniform(1, 5000), 2)
    rec = {
        "id": f"synth-{n:07d}", "kind": kind, "date": date,
        "title": f"Synthetic {kind} {n}: {words[:60]}",
        "summary": f"Generated record {n} about {words} in {country}: {text(rng, vocab, 20)}.",
        "status": rng.choice(STATUSES), "topics": rng.sample(topics, 2),
        "entities": [{"entity": "japan", "role": "donor"}, {"entity": country, "role": "recipient"},
                     {"entity": rng.choice(actors), "role": "participant"}],
        "citations": [{"source": rng.choice(DOCUMENTS),
                       "locator": f"p. {rng.randint(1, 3)}, para. {rng.randint(1, 9)}"}],
    }
    year = int(date[:4])
    # the quote a curated citation carries: the record's number, its date and its amount, so that
    # synthetic data passes the same checks as real data
    month = f"{MONTHS[int(date[5:7]) - 1]} " if len(date) >= 7 and date[4] == "-" else ""
    rec["citations"][0]["quote"] = f"Record {n}, {month}{year}, {amount} million"
    if kind == "oda":
        rec["oda"] = {"donor": "japan", "recipient": country, "year": year, "amount": amount,
                      "currency": rng.choice(["JPY", "USD"]), "scale": "million",
                      "measure": "disbursement"}
        rec["citations"][0]["value"] = f"{amount} million"
    elif kind == "project":
        rec["project"] = {"name": f"Project {n} {words[:30]}", "country": country,
                          "sector": rng.choice(topics)}
    elif kind == "figure":
        rec["figure"] = {"quantity": words[:30], "value": amount, "unit": "units"}
    return rec


DOCUMENTS = ["idsa-2024", "avim-2017"]


def generate(n: int, out: Path, data: Path, seed: int) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "facts").mkdir(parents=True)
    # only the sources its facts cite (the two documents) and the rate table's: a source no fact
    # cites is an error
    sources = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    kept = [s for s in sources if s["id"] in DOCUMENTS or s["kind"] == "dataset"]
    (out / "sources.yaml").write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    shutil.copy(data / "topics.yaml", out)
    shutil.copy(data / "fx_jpy_per_usd.csv", out)
    shutil.copytree(data / "entities", out / "entities")
    entities = [e for p in sorted((data / "entities").glob("*.yaml"))
                for e in yaml.safe_load(p.read_text(encoding="utf-8")) or []]
    countries = [e["id"] for e in entities if e["kind"] == "country" and e["id"] != "japan"]
    actors = [e["id"] for e in entities if e["kind"] not in ("country", "region")]
    topics = [t["id"] for t in yaml.safe_load((data / "topics.yaml").read_text(encoding="utf-8"))]
    vocab = vocabulary(rng)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for start in range(0, n, PER_FILE):
        batch = [fact(i, rng, countries, actors, topics, vocab)
                 for i in range(start, min(n, start + PER_FILE))]
        path = out / "facts" / f"synth-{start // PER_FILE:04d}.yaml"
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(batch, fh, Dumper=dumper, allow_unicode=True, sort_keys=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    generate(args.n, args.out, args.data, args.seed)
    print(f"wrote {args.n} facts to {args.out}")


if __name__ == "__main__":
    main()
