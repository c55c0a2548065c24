"""The interface's catalog brought up to the code: every `_()` and `N_()` text of caj, the
registry's words (labels, each question's summary, each parameter's help) and Typer's own help
words, into caj/locale/LANG/LC_MESSAGES/caj.po for each language (new texts empty, changed ones
fuzzy, none lost). A tool for whoever changes a word, not part of any command; it reads the whole
package, so it stands outside the layers.

    python -m caj.catalogs          # then translate, and `python -m caj.building.i18n ui-compile`
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog

from caj.building.i18n import PACKAGE, UI, read_catalog, write_catalog


def ui_template() -> Catalog:
    """Every word caj prints: the `_()` and `N_()` texts of its code, and the registry's words
    (labels of closed sets, each question's summary and each parameter's help)."""
    from babel.messages.extract import extract_from_dir

    cat = Catalog(project="caj", msgid_bugs_address=None, fuzzy=False)
    found = extract_from_dir(str(PACKAGE), method_map=METHODS, keywords=KEYWORDS,
                             options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
                             comment_tags=("TRANSLATORS:",))
    for filename, lineno, message, comments, _context in found:
        where = (f"src/caj/{filename}", lineno)
        if isinstance(message, tuple):  # ngettext: singular and plural, one entry
            msg = cat.get(message[0])
            if msg is None:
                cat.add(message, locations=[where], auto_comments=comments)
            else:
                msg.locations = [*msg.locations, where]
        else:
            cat.add(message, locations=[where], auto_comments=comments)
    for filename, lineno, message, _comments, _context in typer_words():
        if isinstance(message, str) and cat.get(message) is None:
            cat.add(message, auto_comments=[f"Typer's own words (typer/{filename}:{lineno}): help and usage"])
    for text, where in registry_words():
        if text and cat.get(text) is None:
            cat.add(text, auto_comments=[where])
    for msg in cat:
        msg.flags.discard("python-format")
    return cat


# the code, and the web pages' templates (Jinja's own extractor, which Babel calls by this name);
# a template says `_("text")`, or `ngettext("one", "many", n)` for a count
METHODS = [("**.py", "python"), ("faces/web/templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}

TYPER_FILES = ("core.py",)  # the files that look words up with gettext (its Click's none)


def typer_words():
    """The words Typer prints in help and some usage errors: it looks them
    up with gettext's default domain, which caj points at its own catalog (core.i18n.use)."""
    import typer
    from babel.messages.extract import extract_from_file

    root = Path(typer.__file__).parent
    for name in TYPER_FILES:
        words = extract_from_file("python", str(root / name), keywords={"_": None, "ngettext": (1, 2)})
        for lineno, message, _comments, context in words:
            yield name, lineno, message if isinstance(message, str) else message[0], (), context


def registry_words() -> Iterator[tuple[str, str]]:
    from caj import cli
    from caj.core import vocab
    from caj.reading import questions

    for choice, pairs in vocab.CHOICES.items():
        for value, label in pairs:
            yield label, f"label of {choice} {value}"
            yield value, f"a value of {choice}, as a table shows it"
    for q in questions.QUESTIONS.values():
        yield q.summary, f"caj {q.name}: summary"
        yield q.title, f"/{q.name}: the web page's title"
        for p in (*q.params, *(q.picture or ())):
            yield p.help, f"caj {q.name} --{p.name}: help"
            yield p.label, f"caj {q.name} --{p.name}: form label"
            yield p.hint, f"caj {q.name} --{p.name}: form hint"
    for c in (*cli.app.registered_commands, *cli.export_app.registered_commands):
        doc = (c.callback.__doc__ or "").strip()
        if doc:
            yield doc.splitlines()[0], f"caj {c.name or c.callback.__name__}: summary"
    for g in cli.app.registered_groups:
        yield (g.typer_instance.registered_callback.callback.__doc__ or "").strip().splitlines()[0], \
            f"caj {g.name}: summary"


def ui_update() -> list[Path]:
    """caj/locale/LANG/LC_MESSAGES/caj.po brought up to the code, for each language of data/locale."""
    pot = ui_template()
    written = []
    for lang in sorted(p.name for p in UI.glob("*") if p.is_dir()):
        path = UI / lang / "LC_MESSAGES" / "caj.po"
        cat = read_catalog(path, lang) if path.exists() else Catalog(
            locale=lang, project="caj", msgid_bugs_address=None, fuzzy=False,
            header_comment=f"# Every word caj prints, in {lang}.")
        cat.update(pot, update_header_comment=False)
        cat.obsolete.clear()
        write_catalog(path, cat)
        written.append(path)
    return written




if __name__ == "__main__":
    for path in ui_update():
        print(f"updated {path}")
