"""Every word caj prints, in the reader's language: gettext catalogs in caj/locale/LANG/
LC_MESSAGES/caj.po, compiled to .mo when the package is built (hatch_build.py, with Babel), read
here with the standard library's gettext, so a lookup imports no Babel.

`_("text")` translates when it is called, into the language `use()` chose (English until then);
`N_("text")` only marks a text for the catalog where it is defined as data (a label, a mark's
meaning), to be translated by `_()` where it is shown. The language is held in a context
variable: a command sets it once; the web sets it per request (each request is its own asyncio
task, so two readers in two languages never see each other's words). A language is a catalog:
adding one is a folder under caj/locale/ and one under data/locale/, no code.
"""

from __future__ import annotations

import contextvars
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "caj"
_CATALOGS: dict[str, gettext.NullTranslations] = {}
_SPEAKING: contextvars.ContextVar[tuple] = contextvars.ContextVar(
    "caj_language", default=(gettext.NullTranslations(), "en", {}))


def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (English, or a language with none: the words as written).
    Opened by its path: `lang` is a code already, and gettext's search through the locale's
    variants costs a lookup a millisecond or two."""
    if lang not in _CATALOGS:
        try:
            with open(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as compiled:
                _CATALOGS[lang] = gettext.GNUTranslations(compiled)
        except (OSError, ValueError):  # no catalog (English), or a name no file can have
            _CATALOGS[lang] = gettext.NullTranslations()
    return _CATALOGS[lang]


def use(lang: str, numbers: dict | None = None) -> None:
    """Speak `lang` from now on, in this context; `numbers` says how it writes numbers and money
    (data/locale/LANG/language.yaml and CLDR, from the database)."""
    _SPEAKING.set((catalog(lang), lang, numbers or {}))


def current() -> str:
    return _SPEAKING.get()[1]


def numbers() -> dict:
    """{decimal, group, money, scales, currencies}, or {} for English."""
    return _SPEAKING.get()[2]


def _(text: str) -> str:
    return _SPEAKING.get()[0].gettext(text) if text else text


def ngettext(one: str, many: str, n: int) -> str:
    return _SPEAKING.get()[0].ngettext(one, many, n)


def N_(text: str) -> str:  # noqa: N802 (gettext's own name for it)
    return text


def listing(items) -> str:
    """Names one after another, as the language separates them ('A, B'; 'A、B')."""
    return _(", ").join(str(i) for i in items)


ENDS = (".", "?", "!", "。", "？", "！")  # and the full-width 。？！


def sentence(text: str) -> str:
    """`text` closed as the language closes a sentence ('.'; '。'), unless it is already closed."""
    return text if not text or text.endswith(ENDS) else text + _(".")


def from_environment(env: dict[str, str] | None = None) -> str | None:
    """CAJ_LANG, else the locale as gettext reads it (LANGUAGE's first, LC_ALL, LC_MESSAGES,
    LANG); None when they name none (C, POSIX) or nothing is set."""
    import os

    env = os.environ if env is None else env
    if env.get("CAJ_LANG", "").strip():
        return env["CAJ_LANG"].strip()
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").split(":")[0].strip()
        if value:
            return None if value.split(".")[0] in ("C", "POSIX") else value
    return None


def code(value: str) -> str:
    """'ru_RU.UTF-8', 'ja-JP', 'RU' -> the language's code."""
    return str(value).strip().replace("-", "_").split(".")[0].split("_")[0].casefold()


def speak_from(args: list[str]) -> None:
    """The language of the words as a command line asks for it (--lang, else the environment),
    before anything is checked against the database: so the commands' help is in it too. A
    language with no catalog is English here; the command itself says if it is unknown."""
    lang = next((a.split("=", 1)[1] for a in args if a.startswith("--lang=")), None)
    if lang is None and "--lang" in args[:-1]:
        lang = args[args.index("--lang") + 1]
    lang = code(lang or from_environment() or "en")
    use(lang if lang in available() else "en")


def available() -> list[str]:
    """The languages the interface has a compiled catalog for."""
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
