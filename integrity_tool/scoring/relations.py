"""Belangenkruising, the pure part: normalise names, index the organisation's relations, and find
the relations a candidate's answers point at. No Flask, no db; the engine calls it at submission.

Which answers are compared follows the questionnaire's ``fact:`` markers (organisation names and
KvK numbers of the employer, companies, positions and relations), plus every question of type
``kvk`` wherever it appears.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..questionnaire.model import Questionnaire

# Facts compared with the relations list: (fact, kind, theme, Dutch word for the entry).
# KvK facts come first: a relation found by KvK number and by name in the same item is reported
# once, as a KvK match.
MATCH_FACTS: tuple[tuple[str, str, str, str], ...] = (
    ("employer.kvk", "kvk", "hoofdfunctie", "Werkgever"),
    ("position.kvk", "kvk", "nevenfuncties", "Nevenfunctie"),
    ("company.kvk", "kvk", "belangen", "Onderneming"),
    ("relation.kvk", "kvk", "relaties", "Relatie van de kandidaat"),
    ("employer", "naam", "hoofdfunctie", "Werkgever"),
    ("position.organisation", "naam", "nevenfuncties", "Nevenfunctie"),
    ("company.name", "naam", "belangen", "Onderneming"),
    ("relation.organisation", "naam", "relaties", "Relatie van de kandidaat"),
)
REPEAT_FACT_THEMES = {"position": "nevenfuncties", "company": "belangen", "relation": "relaties",
                      "property": "belangen"}
FACT_WORDS = {"employer": "Werkgever", "position": "Nevenfunctie", "company": "Onderneming",
              "relation": "Relatie van de kandidaat", "property": "Onroerend goed"}
# The answer that names the organisation an item is about (never a person's name from relaties).
ENTRY_LABEL_FACTS = {"position": "position.organisation", "company": "company.name",
                     "relation": "relation.organisation"}

_DOT = re.compile(r"\.")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[\W_]+")
_KVK = re.compile(r"^\d{8}$")

LEGAL_FORMS = frozenset({
    "bv", "nv", "vof", "cv", "ua", "wa", "ba", "ev", "bva", "stichting", "stg", "vereniging", "ver",
    "cooperatie", "coop", "holding", "eenmanszaak", "maatschap", "ltd", "gmbh", "inc", "llc", "sa",
})
LEGAL_PHRASES = ("besloten vennootschap", "naamloze vennootschap", "vennootschap onder firma",
                 "commanditaire vennootschap", "met beperkte aansprakelijkheid", "met uitgesloten aansprakelijkheid",
                 "onderlinge waarborgmaatschappij")
# Words that say nothing about which organisation it is: a name of only these never matches.
GENERIC_TOKENS = frozenset({
    "de", "het", "een", "en", "van", "der", "den", "te", "in", "op", "voor", "t", "s", "the", "and", "of",
    "groep", "group", "holding", "nederland", "nederlandse", "nl", "beheer", "bedrijf", "bedrijven",
    "services", "service", "diensten", "international", "internationaal", "gemeente", "provincie",
    "management", "advies", "consultancy", "projecten", "vastgoed", "investments", "participaties",
    "onderneming", "bouw", "zorg", "partners", "company",
})
MIN_NAME_LENGTH = 4  # characters of the normalised name without spaces

def normalise_name(name: Any) -> str:
    """Casefold, strip accents and punctuation, drop legal forms: 'Coöperatie De Vries U.A.' -> 'de vries'."""
    if not isinstance(name, str):
        return ""
    return _normalise(name)


@functools.lru_cache(maxsize=8192)  # the same names come back on every evaluation of a dossier
def _normalise(name: str) -> str:
    text = name.casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = text.replace("&", " en ").replace("'t ", "het ")
    text = _DOT.sub("", text)  # "B.V." -> "bv", "U.A." -> "ua"
    text = _NON_WORD.sub(" ", text)
    if "vennootschap" in text or "aansprakelijk" in text or "waarborg" in text:
        text = f" {text} "
        for phrase in LEGAL_PHRASES:
            text = text.replace(f" {phrase} ", " ")
    return " ".join([t for t in text.split() if t not in LEGAL_FORMS])


@functools.lru_cache(maxsize=8192)
def is_distinctive(normalised: str) -> bool:
    """Long enough and not only generic words: 'de', 'groep nederland' and 'ab' never match."""
    if len(normalised.replace(" ", "")) < MIN_NAME_LENGTH:
        return False
    return any(t not in GENERIC_TOKENS and len(t) >= 2 for t in normalised.split())


def clean_kvk(value: Any) -> str:
    """Digits of a KvK number as entered ('1234 5678' -> '12345678'); '' when empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean_kvk(str(value))


_KVK_NOISE = re.compile(r"[\s.\-]")


@functools.lru_cache(maxsize=8192)
def _clean_kvk(text: str) -> str:
    return _KVK_NOISE.sub("", text.strip())


@dataclass(frozen=True)
class RelationRef:
    name: str
    kvk: str | None
    category: str

    def to_dict(self) -> dict:
        return {"naam": self.name, "kvk": self.kvk, "categorie": self.category}


@dataclass
class RelationsIndex:
    by_kvk: dict[str, list[RelationRef]] = field(default_factory=dict)
    by_name: dict[str, list[RelationRef]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len({id(r) for refs in (*self.by_kvk.values(), *self.by_name.values()) for r in refs})


def build_index(rows: Iterable[tuple[str, str | None, str | None, str | None]]) -> RelationsIndex:
    """Rows of (name, kvk, category, normalised name or None to compute it)."""
    index = RelationsIndex()
    for name, kvk, category, normalised in rows:
        ref = RelationRef(name, kvk or None, category or "overig")
        if kvk:
            index.by_kvk.setdefault(kvk, []).append(ref)
        norm = normalised if normalised is not None else normalise_name(name)
        if norm and is_distinctive(norm):
            index.by_name.setdefault(norm, []).append(ref)
    return index


@dataclass(frozen=True)
class Match:
    path: str               # "nevenfuncties.kvk"
    theme: str
    item_index: int | None
    method: str              # "kvk" | "naam"
    value: str               # what the candidate entered
    entry_label: str         # the organisation name the candidate entered (or the KvK number)
    relation: RelationRef
    fact: str = ""           # "company", "position", "relation", "employer" (or "" for an unmarked kvk question)
    word: str = "Opgave"     # "Onderneming", "Nevenfunctie", ...


@dataclass(frozen=True)
class _Field:
    repeat: str | None       # repeat question id, None for a top-level question
    qid: str
    kind: str
    theme: str
    fact: str
    word: str


_FIELDS_CACHE: dict[tuple, tuple[_Field, ...]] = {}


def match_fields(questionnaire: Questionnaire | None) -> list[_Field]:
    """The answers compared: by fact marker, plus every unmarked kvk question.

    Worked out once per questionnaire (keyed by id, version and content hash), not per evaluation."""
    if questionnaire is None:
        return []
    key = (questionnaire.id, questionnaire.version, questionnaire.content_hash)
    cached = _FIELDS_CACHE.get(key)
    if cached is None:
        if len(_FIELDS_CACHE) > 256:
            _FIELDS_CACHE.clear()
        cached = _FIELDS_CACHE[key] = tuple(_match_fields(questionnaire))
    return list(cached)


def _match_fields(questionnaire: Questionnaire) -> list[_Field]:
    fields: list[_Field] = []
    known: set[tuple[str | None, str]] = set()
    for fact, kind, theme, word in MATCH_FACTS:
        path = questionnaire.fact_path(fact)
        if not path:
            continue
        repeat, _, qid = path.rpartition(".")
        fields.append(_Field(repeat or None, qid, kind, theme, fact.split(".")[0], word))
        known.add((repeat or None, qid))
    for top in questionnaire.top_questions():
        if top.type == "kvk" and (None, top.id) not in known:
            fields.append(_Field(None, top.id, "kvk", "belangen", "", "Opgave"))
        repeat_fact = (top.fact or "") if top.type == "repeat" else ""
        for sub in top.questions:
            if sub.type == "kvk" and (top.id, sub.id) not in known:
                fields.append(_Field(top.id, sub.id, "kvk", REPEAT_FACT_THEMES.get(repeat_fact, "belangen"),
                                     repeat_fact, FACT_WORDS.get(repeat_fact, "Opgave")))
    return fields


def _label(questionnaire: Questionnaire, fact: str, item: dict | None, value: str) -> str:
    label_fact = ENTRY_LABEL_FACTS.get(fact)
    path = questionnaire.fact_path(label_fact) if label_fact else None
    if item and path:
        named = item.get(path.rpartition(".")[2])
        if isinstance(named, str) and named.strip():
            return named.strip()
    return value.strip()


def match_answers(answers: Any, questionnaire: Questionnaire | None, index: RelationsIndex) -> list[Match]:
    """Every relation a candidate's answers point at; one Match per (item, relation). Pure."""
    if not isinstance(answers, dict) or index is None or not (index.by_kvk or index.by_name):
        return []
    out: list[Match] = []
    seen: set[tuple[str, int | None, RelationRef]] = set()
    for f in match_fields(questionnaire):
        if f.repeat is None:
            value = answers.get(f.qid)
            entries = [(None, None, value)]
        else:
            items = answers.get(f.repeat)
            entries = [(i, item, item.get(f.qid)) for i, item in enumerate(items)
                       if isinstance(item, dict)] if isinstance(items, list) else []
        for i, item, value in entries:
            if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
                continue
            value = str(value)
            if f.kind == "kvk":
                refs = index.by_kvk.get(clean_kvk(value), ())
            else:
                norm = normalise_name(value)
                refs = index.by_name.get(norm, ()) if is_distinctive(norm) else ()
            group = f.repeat or f"fact:{f.fact or f.qid}"
            for ref in refs:
                key = (group, i, ref)
                if key in seen:
                    continue
                seen.add(key)
                path = f"{f.repeat}.{f.qid}" if f.repeat else f.qid
                out.append(Match(path, f.theme, i, f.kind, value, _label(questionnaire, f.fact, item, value), ref,
                                 f.fact, f.word))
    return out
