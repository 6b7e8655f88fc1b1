"""Belangenkruising: the organisation's own relations against what a candidate entered.

Two parts:
- ``parse_relations`` / ``replace_relations``: the griffier uploads the list (CSV with ``;`` or
  ``,``, or XLSX). Every row is checked; one bad row rejects the whole file with a message naming
  row and column, so a half-imported list never exists.
- matching (pure, in ``integrity_tool.scoring.relations``): KvK numbers match exactly; organisation
  names match after normalisation (case, accents, punctuation, legal forms) and only when the
  normalised name is distinctive. Which answers are compared follows the questionnaire's ``fact:``
  markers. The engine runs it at (re)submission, so matches are findings for the reviewer; the
  griffier's view (``crosscheck_findings``) shows the same matches for the current list.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from ..questionnaire.schema import Level
from ..scoring.relations import (FACT_WORDS, MATCH_FACTS, Match, RelationRef, RelationsIndex,  # noqa: F401
                                 build_index, clean_kvk, is_distinctive, match_answers, match_fields,
                                 normalise_name)
from .errors import InvalidInput

_KVK = re.compile(r"^\d{8}$")
MAX_ROWS = 100_000
MAX_ERRORS = 10

CATEGORIES = {
    "leverancier": "leverancier", "leveranciers": "leverancier",
    "subsidieontvanger": "subsidieontvanger", "subsidieontvangers": "subsidieontvanger",
    "verbonden partij": "verbonden partij", "verbonden partijen": "verbonden partij",
    "vergunninghouder": "vergunninghouder", "vergunninghouders": "vergunninghouder",
    "overig": "overig", "overige": "overig", "anders": "overig", "other": "overig",
}
ALLOWED_CATEGORIES = "leverancier, subsidieontvanger, verbonden partij, vergunninghouder, overig"

# --- parsing an upload -------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedRelation:
    name: str
    normalised_name: str
    kvk: str | None
    category: str


class UploadError(ValueError):
    """The file was rejected; ``errors`` are Dutch messages naming row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError(["Het bestand kan niet worden gelezen: gebruik UTF-8 of een Excel-bestand (.xlsx)."])


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise UploadError([f"Het CSV-bestand is ongeldig: {exc}."]) from None


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UploadError(["Het bestand kan niet worden gelezen als Excel-bestand (.xlsx)."]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(row: list[Any], number: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, value in enumerate(row):
        name = _cell(value).casefold()
        if name and name not in columns:
            columns[name] = i
    if "naam" not in columns:
        found = ", ".join(f"'{_cell(v)}'" for v in row if _cell(v)) or "geen"
        raise UploadError([f"Rij {number}: de kolom 'naam' ontbreekt. Verwacht: naam, kvk (optioneel), categorie. "
                           f"Gevonden kolommen: {found}."])
    return columns


def _row(cells: list[Any], number: int, columns: dict[str, int], errors: list[str]) -> ParsedRelation | None:
    def get(col: str) -> str:
        i = columns.get(col)
        return _cell(cells[i]) if i is not None and i < len(cells) else ""

    name, kvk_raw, category_raw = get("naam"), get("kvk"), get("categorie")
    problems = []
    if not name:
        problems.append(f"Rij {number}, kolom 'naam': de naam ontbreekt")
    elif len(name) > 300:
        problems.append(f"Rij {number}, kolom 'naam': de naam is langer dan 300 tekens")
    kvk = clean_kvk(kvk_raw) if kvk_raw else ""
    if kvk and not _KVK.match(kvk):
        message = f"Rij {number}, kolom 'kvk': '{kvk_raw[:40]}' is geen KvK-nummer van 8 cijfers"
        if kvk.isdigit() and len(kvk) < 8:
            message += " (let op: Excel laat voorloopnullen weg; zet de kolom op 'Tekst')"
        problems.append(message)
    category = CATEGORIES.get(" ".join(category_raw.casefold().split()), None) if category_raw else "overig"
    if category is None:
        problems.append(f"Rij {number}, kolom 'categorie': '{category_raw[:60]}' is geen bekende categorie. "
                        f"Kies uit: {ALLOWED_CATEGORIES}")
    if problems:
        errors.extend(problems)
        return None
    return ParsedRelation(name, normalise_name(name), kvk or None, category)


def parse_relations(filename: str, data: bytes) -> list[ParsedRelation]:
    """All rows of an uploaded list, or UploadError listing (up to 10) bad rows and columns."""
    name = (filename or "").lower()
    if not data:
        raise UploadError(["Het bestand is leeg."])
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise UploadError(["Kies een CSV-bestand (.csv) of een Excel-bestand (.xlsx)."])
    # Spreadsheet row numbers are kept for the messages, also when blank lines are skipped.
    numbered = [(n, r) for n, r in enumerate(rows or [], start=1) if r and any(_cell(v) for v in r)]
    if not numbered:
        raise UploadError(["Het bestand is leeg."])
    header_number, header = numbered[0]
    columns = _header(header, header_number)
    if len(numbered) - 1 > MAX_ROWS:
        raise UploadError([f"Het bestand heeft meer dan {MAX_ROWS:,} rijen.".replace(",", ".")])
    errors: list[str] = []
    parsed: list[ParsedRelation] = []
    for number, cells in numbered[1:]:
        relation = _row(cells, number, columns, errors)
        if relation is not None:
            parsed.append(relation)
        if len(errors) >= MAX_ERRORS:
            errors.append("Er zijn meer fouten; herstel deze eerst.")
            break
    if errors:
        raise UploadError(errors)
    if not parsed:
        raise UploadError(["Het bestand bevat geen relaties onder de kopregel."])
    return parsed


# --- storage and the reviewer's findings ---------------------------------------------------------

class UploadRejected(InvalidInput):
    """Nothing was stored; ``errors`` name the rows and columns."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(e.rstrip(".") + "." for e in errors))
        self.errors = errors


def replace_relations(actor, filename: str, data: bytes):
    """Validate the whole file, then replace the organisation's list in one transaction."""
    from sqlalchemy import delete, insert

    from .. import audit
    from ..models import Relation, RelationUpload, db
    try:
        parsed = parse_relations(filename, data)
    except UploadError as exc:
        raise UploadRejected(exc.errors) from None
    org_id = actor.organisation_id
    db.session.execute(delete(Relation).where(Relation.organisation_id == org_id))
    db.session.execute(delete(RelationUpload).where(RelationUpload.organisation_id == org_id))
    upload = RelationUpload(organisation_id=org_id, filename=(filename or "")[-255:], row_count=len(parsed),
                            uploaded_by_id=actor.id)
    db.session.add(upload)
    db.session.flush()
    db.session.execute(insert(Relation), [
        {"organisation_id": org_id, "upload_id": upload.id, "name": r.name, "normalised_name": r.normalised_name[:300],
         "kvk": r.kvk, "category": r.category} for r in parsed
    ])
    audit.record("relaties.geupload", actor=actor, bestand=upload.filename, rijen=len(parsed))
    db.session.commit()
    return upload


def relations_index(organisation_id: int) -> RelationsIndex:
    """The organisation's current list as a lookup index (stored normalised names are reused)."""
    from sqlalchemy import select

    from ..models import Relation, db

    rows = db.session.execute(
        select(Relation.name, Relation.kvk, Relation.category, Relation.normalised_name)
        .where(Relation.organisation_id == organisation_id)
    ).all()
    return build_index(rows)


def crosscheck_findings(dossier, index: RelationsIndex | None = None) -> list[dict]:
    """Finding-like dicts (level 'hoog') for every relation the dossier's answers point at."""
    from . import snapshot

    index = index if index is not None else relations_index(dossier.organisation_id)
    questionnaire = snapshot.questionnaire_for(dossier)
    findings = []
    org_name = dossier.organisation.name
    for n, m in enumerate(match_answers(snapshot.current_answers(dossier), questionnaire, index), start=1):
        what = m.word
        via = f"KvK-nummer {m.value}" if m.method == "kvk" else "naam"
        theme_title = m.theme
        if questionnaire is not None:
            try:
                theme_title = questionnaire.theme(m.theme).title
            except KeyError:
                pass
        findings.append({
            "key": f"belangenkruising:{n}", "risk_id": "belangenkruising", "theme": m.theme,
            "theme_title": theme_title, "level": Level.hoog,
            "explanation": (f"{what} '{m.entry_label}' (gevonden op {via}) staat op de lijst van relaties van "
                            f"{org_name} als {m.relation.category}: {m.relation.name}"
                            + (f" (KvK {m.relation.kvk})" if m.relation.kvk else "") + "."),
            "legal": "Algemene wet bestuursrecht art. 2:4 (belangenverstrengeling)",
            "measures": ["verschoning", "nader_gesprek"],
            "ask": f"Welke band heeft u met {m.relation.name}, en hoe voorkomt u dat u besluit over zaken van "
                   f"deze organisatie?",
            "question_ids": [m.path], "item_index": m.item_index,
            "answers": [[m.path, m.value]], "context": {},
            "match": m.method, "relation": m.relation.to_dict(),
        })
    return findings
