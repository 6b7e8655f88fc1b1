"""The English catalogue is complete, compiled and in step with the Dutch source strings.

A new Dutch string without an English translation fails here; run scripts/update-translations,
translate the new entries in messages.po and run the script again to compile.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "integrity_tool" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
KEYWORDS = ["_", "gettext", "ngettext:1,2", "lazy_gettext", "_l", "N_"]
FIX = "run scripts/update-translations, translate the new entries in messages.po and run it again"


def _po():
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def _source_msgids() -> set:
    """The msgids babel extracts from the current sources, with the project's babel.cfg."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=parse_keywords(KEYWORDS)):
        found.add(message)
    return found


def test_catalogue_files_exist():
    assert PO.is_file(), FIX
    assert MO.is_file(), "the compiled catalogue must be committed: " + FIX


def test_every_message_is_translated():
    untranslated = []
    for message in _po():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated (or fuzzy) messages, e.g. {untranslated[:5]}; {FIX}"


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    wrong = []
    for message in _po():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source, target in zip(ids, strings):
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(target or "")):
                wrong.append((source, target))
    assert not wrong, wrong[:5]


def test_no_source_string_is_missing_from_the_catalogue():
    catalogue = {m.id for m in _po() if m.id}
    missing = sorted(map(str, _source_msgids() - catalogue))
    assert not missing, f"{len(missing)} Dutch strings are not in messages.po, e.g. {missing[:5]}; {FIX}"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fh:
        compiled = read_mo(fh)
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    expected = {key(m.id): key(m.string) for m in _po() if m.id and "fuzzy" not in m.flags}
    actual = {key(m.id): key(m.string) for m in compiled if m.id}
    assert actual == expected, "messages.mo is out of date: run scripts/update-translations compile"
    # and the same catalogue headers (language, plural forms), apart from the babel version that wrote it
    def headers(catalog):
        return {k: v for k, v in catalog.mime_headers if k not in ("Generated-By", "PO-Revision-Date")}

    assert headers(compiled) == headers(_po()), "messages.mo is out of date: run scripts/update-translations compile"


@pytest.mark.parametrize("label_module, name", [
    ("integrity_tool.models.dossier", "STATUS_LABELS"),
    ("integrity_tool.models.user", "ROLE_LABELS"),
    ("integrity_tool.models.measure", "MEASURE_STATUS_LABELS"),
    ("integrity_tool.questionnaire.schema", "OWNER_LABELS"),
    ("integrity_tool.questionnaire.schema", "OUTCOME_LABELS"),
    ("integrity_tool.questionnaire.schema", "LEVEL_LABELS"),
    ("integrity_tool.services.rounds", "RESULT_LABELS"),
    ("integrity_tool.services.timeline", "ACTION_LABELS"),
    ("integrity_tool.models.organisation", "KIND_LABELS"),
])
def test_label_constants_are_translated(label_module, name):
    import importlib

    labels = getattr(importlib.import_module(label_module), name)
    values = []
    for value in labels.values():
        values.extend(value.values() if isinstance(value, dict) else [value])
    translated = {m.id: m.string for m in _po() if m.id}
    missing = [v for v in values if not translated.get(v)]
    assert not missing, f"{name}: {missing}; {FIX}"


def test_extractor_finds_label_constants_and_domain_messages():
    from integrity_tool.web.i18n_strings import extra_messages

    source = '''
STATUS_LABELS = {"a": "Ingediend", "b": ("Afgerond", {"x": "Genest"})}
OTHER = {"a": "Niet dit"}
def f(what):
    raise InvalidInput("Vul de naam in.")
    raise StateError(f"Niet {what}")
    runtime.send_mail(to, "invitation", "Uitnodiging", language="en")
    notify_candidate(dossier, "Onderwerp", "Bericht voor de {title}.", "candidate.home")
    problems.append("Een probleem.")
'''
    found = {text for _line, text in extra_messages(source)}
    assert found == {"Ingediend", "Afgerond", "Genest", "Vul de naam in.", "Uitnodiging", "Onderwerp",
                     "Bericht voor de {title}.", "Een probleem."}
