"""The questions the web pages answer: each page is a function of the query layer, its URL
parameters named as the command's options. A page's `.json` twin is byte for byte what the command
prints with `--format json`, its `.csv` twin what it prints with `--format csv`."""

from __future__ import annotations

import io

from caj.core import i18n, vocab
from caj.core.errors import UsageError
from caj.faces import formats
from caj.reading import questions
from caj.reading.lang import ENGLISH

FLAGS = {"": False, "0": False, "no": False, "false": False, "off": False,
         "1": True, "yes": True, "true": True, "on": True}


class Page:
    """A page: one question of the registry (caj.reading.questions), its URL parameters named as
    the registry names them, each the query function's keyword through `params`."""

    __slots__ = ("name", "title", "question", "params", "picture")

    def __init__(self, question: questions.Question) -> None:
        self.name, self.title, self.question = question.name, question.title, question
        self.picture = question.picture is not None
        self.params = {p.name: p for p in question.on("web")}  # the picture's lanes: reader.PAGE_ONLY
        for p in question.on("web"):
            self.params.update({alias: p for alias in p.aliases})

    def inputs(self) -> list[questions.Param]:
        """The form's fields, in the registry's order: each parameter once, flags apart."""
        return [p for p in self.question.on("web") if p.kind != "flag"]

    def checkboxes(self) -> list[questions.Param]:
        return [p for p in self.question.on("web") if p.kind == "flag"]


# the card pages (/facts/ID, /entities/ID) answer `show`; every other question has a page
PAGES = {q.name: Page(q) for q in questions.on("web") if q.name != "show"}


def canonical(page: Page, args: dict[str, str]) -> dict[str, str]:
    """The URL's parameters by their registry names (`q` is the search box's `text`)."""
    return {page.params[k].name if k in page.params else k: v for k, v in args.items()}


def arguments(page: Page, args: dict[str, str], strict: bool = True) -> dict:
    """URL parameters -> the query function's arguments; an empty value is no filter. An unknown
    parameter is a usage error when `strict` (a script's typo is never silently ignored); a page
    for readers passes strict=False and ignores it (a shared link carries fbclid, utm_*...)."""
    unknown = sorted(set(args) - set(page.params))
    if unknown and strict:
        known = ", ".join(p.name for p in page.question.on("web")) or "none"
        raise UsageError(f"unknown parameter {unknown[0]!r} for /{page.name}; parameters: {known}")
    out = {}
    for name, value in args.items():
        param = page.params.get(name)
        if param is None or value.strip() == "" or not param.query:
            continue
        if param.kind == "flag":
            if value.strip().casefold() not in FLAGS:
                raise UsageError(f"{param.name}={value!r}: give 1 or 0")
            out[param.keyword] = FLAGS[value.strip().casefold()]
        else:
            out[param.keyword] = value
    return out


def records(conn, page: Page, args: dict[str, str], strict: bool = True,
            lang: str | None = None) -> list[dict]:
    """The page's records, in `lang` (the language spoken, unless named)."""
    return list(page.question.answer(conn, lang or i18n.current(), **arguments(page, args, strict)))


def fields(page: Page, args: dict[str, str], lang: str = ENGLISH) -> tuple[str, ...]:
    """The command's fields, in its order (`oda` with a currency carries the conversion); in
    another language, the command's two more at the end (each record says its language, and
    what it has no translation of)."""
    names = vocab.COMMANDS["oda-converted" if page.name == "oda" and args.get("currency", "").strip()
                          else page.name]
    return names if lang == ENGLISH else (*names, *SPOKEN)


SPOKEN = ("lang", "untranslated")  # as `caj --lang LANG ... --format json|csv` adds them


def as_format(rows: list[dict], fmt: str, names: tuple[str, ...]) -> str:
    """The records exactly as the command writes them in `fmt` (json or csv)."""
    out = io.StringIO()
    formats.write(rows, fmt, formats.View(columns=[], fields=names), out)
    return out.getvalue()
