"""The Urdu catalog (locale/ur/LC_MESSAGES): every string the project marks is translated, and the committed
.mo says what the .po says (a deployment reads the .mo and has no gettext tools to rebuild it).

The marked strings are found as `makemessages` finds them: calls of the gettext functions in the project's
Python files (by their syntax tree) and `{% translate %}`/`{% blocktranslate %}` in its templates (through
Django's own `templatize`, what `makemessages` hands to xgettext). `make messages` fixes a failure here.
"""

import ast
import gettext
import os
import re
from pathlib import Path

import polib
from django.conf import settings
from django.test import SimpleTestCase
from django.utils.translation.template import templatize

LOCALE = Path(settings.BASE_DIR) / "locale" / "ur" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
# What `make messages` leaves out (Makefile MESSAGES_IGNORE): not the service's own strings.
SKIPPED_DIRS = {".venv", "frontend", "clients", "staticfiles", "e2e", "benchmarks", "fuzz", "scripts", "tests",
                "var", "node_modules", "migrations", ".git"}
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
LITERAL = r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
TEMPLATE_CALL = re.compile(rf"\b(n?gettext|_)\(\s*({LITERAL})(?:\s*,\s*({LITERAL}))?")


def project_files(suffixes):
    for root, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(root) / name
            if path.suffix in suffixes:
                yield path.relative_to(settings.BASE_DIR), path


def marked_in_python(source: str):
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in SINGULAR and isinstance(node.args[0].value, str):
            yield node.args[0].value
        elif name in PLURAL and isinstance(node.args[0].value, str):
            yield node.args[0].value


def marked_in_template(source: str):
    for match in TEMPLATE_CALL.finditer(templatize(source)):
        yield ast.literal_eval(match[2].removeprefix("u"))


def marked_strings() -> dict[str, str]:
    """Every msgid the project marks, with the file it was first found in."""
    found = {}
    for relative, path in project_files({".py"}):
        for msgid in marked_in_python(path.read_text(encoding="utf-8")):
            found.setdefault(msgid, str(relative))
    for relative, path in project_files({".html", ".txt"}):
        if "templates" in relative.parts:
            for msgid in marked_in_template(path.read_text(encoding="utf-8")):
                found.setdefault(msgid, str(relative))
    return found


class UrduCatalogTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.po = polib.pofile(str(PO))
        cls.entries = [entry for entry in cls.po if not entry.obsolete]

    def test_the_finder_finds_strings_of_python_and_templates(self):
        # The scan itself works: a string of each kind of source is found (else the next test proves nothing).
        marked = marked_strings()
        for msgid in ("Leads back office", "Payment receipt", "%(count)d lead converted.", "lead status",
                      "These leads need a follow-up call on %(long_day)s: %(due)s due that day, %(overdue)s overdue."):
            self.assertIn(msgid, marked)

    def test_every_marked_string_is_in_the_catalog(self):
        in_catalog = {entry.msgid for entry in self.entries}
        missing = {msgid: where for msgid, where in marked_strings().items() if msgid not in in_catalog}
        self.assertEqual(missing, {}, "marked but not in locale/ur/.../django.po: run `make messages`, translate")

    def test_every_entry_has_urdu_and_none_is_fuzzy(self):
        untranslated = [entry.msgid for entry in self.entries if not entry.translated()]
        fuzzy = [entry.msgid for entry in self.entries if "fuzzy" in entry.flags]
        self.assertEqual(untranslated, [])
        self.assertEqual(fuzzy, [])
        self.assertFalse(self.po.metadata_is_fuzzy)
        self.assertEqual(self.po.metadata["Plural-Forms"], "nplurals=2; plural=(n != 1);")

    def test_translations_keep_every_placeholder(self):
        for entry in self.entries:
            translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for translation in translations:
                with self.subTest(msgid=entry.msgid):
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(translation)), sorted(PLACEHOLDER.findall(entry.msgid))
                    )

    def test_the_committed_mo_is_compiled_from_the_po(self):
        with MO.open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)
        for entry in self.entries:
            with self.subTest(msgid=entry.msgid):
                if entry.msgid_plural:
                    for n, form in ((1, 0), (2, 1)):
                        self.assertEqual(
                            catalog.ngettext(entry.msgid, entry.msgid_plural, n), entry.msgstr_plural[form]
                        )
                else:
                    self.assertEqual(catalog.gettext(entry.msgid), entry.msgstr)
        # And nothing in the .mo that the .po no longer has.
        self.assertEqual(set(catalog._catalog) - {""}, {
            key for entry in self.entries
            for key in ([(entry.msgid, 0), (entry.msgid, 1)] if entry.msgid_plural else [entry.msgid])
        })
