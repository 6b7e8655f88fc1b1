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
from typing import Any, Iterator

from ..questionnaire.schema import Level
from ..scoring.relations import (FACT_WORDS, MATCH_FACTS, Match, RelationRef, RelationsIndex,  # noqa: F401
                                 build_index, clean_kvk, is_distinctive, match_answers, match_fields,
                                 normalise_name)
from ..textcheck import has_control_chars
from .errors import InvalidInput, Msg, joined

_KVK = re.compile(r"^\d{8}$")
MAX_ROWS = 100_000
MAX_ERRORS = 10
INSERT_BATCH = 2_000

CATEGORIES = {
    "leverancier": "leverancier", "leveranciers": "leverancier",
    "subsidieontvanger": "subsidieontvanger", "subsidieontvangers": "subsidieontvanger",
    "verbonden partij": "verbonden partij", "verbonden partijen": "verbonden partij",
    "vergunninghouder": "vergunninghouder", "vergunninghouders": "vergunninghouder",
    "overig": "overig", "overige": "overig", "anders": "overig", "other": "overig",
}
ALLOWED_CATEGORIES = "leverancier, subsidieontvanger, verbonden partij, vergunninghouder, overig"

# --- parsing an upload -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
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


# Bounds for an upload, checked before (or while) reading it, so that no file within the request size
# limit costs a worker more than a few tens of megabytes (issue 18: a 16 KB workbook with one value in
# column XFD used to be padded to 16 384 cells per row, ~318 MB). Rows are streamed, never collected.
MAX_COLUMNS = 50                      # columns read per row; the list needs three (naam, kvk, categorie)
MAX_CELLS_PER_ROW = 1_000             # cells written in one row of the sheet (openpyxl parses them all)
MAX_SHEET_ROWS = MAX_ROWS + 10_000    # physical rows, including blank ones
MAX_XLSX_SHEET = 64 * 1024 * 1024     # uncompressed bytes of a worksheet (streamed)
MAX_CELL_TEXT = 32_767                # characters of text in one cell (Excel's own limit)
MAX_XLSX_STRINGS = 8 * 1024 * 1024    # uncompressed bytes of the shared strings (openpyxl loads them at once)
MAX_XLSX_PART = 256 * 1024           # uncompressed bytes of any other part (styles, workbook: loaded at once)
MAX_SHARED_STRINGS = 150_000         # entries in the shared strings (each costs ~150 bytes in openpyxl)
MAX_XLSX_TOTAL = 96 * 1024 * 1024     # uncompressed bytes of the whole workbook (zip bombs)
MAX_CSV_FIELDS = 1_000                # fields on one CSV line
TOO_BIG_XLSX_MESSAGE = ("Het Excel-bestand is te groot of te ingewikkeld om veilig te lezen (bijvoorbeeld heel veel "
                "kolommen of een sterk ingepakt bestand). Bewaar alleen de kolommen naam, kvk en categorie in "
                "een nieuw werkblad, of lever een CSV-bestand aan.")


def _encoding(data: bytes) -> str:
    """utf-8 (with or without BOM) if the whole file is valid UTF-8, else cp1252; checked in pieces so the
    decoded text is never held at once."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(view[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    encoding = _encoding(data)
    try:
        text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        first = text.readline()
        text.seek(0)
    except UnicodeDecodeError:
        raise UploadError(["Het bestand kan niet worden gelezen: gebruik UTF-8 of een Excel-bestand (.xlsx)."]) from None
    delimiter = max((";", ",", "\t"), key=first.count)

    def lines():
        for number, line in enumerate(text, start=1):
            if line.count(delimiter) > MAX_CSV_FIELDS:
                raise UploadError([Msg("Regel %(number)s heeft meer dan %(limit)s kolommen. Lever alleen de kolommen "
                                       "naam, kvk en categorie aan.", number=number,
                                       limit=f"{MAX_CSV_FIELDS:,}".replace(",", "."))])
            yield line

    try:
        yield from csv.reader(lines(), delimiter=delimiter)
    except csv.Error as exc:
        raise UploadError([Msg("Het CSV-bestand is ongeldig: %(problem)s.", problem=str(exc))]) from None
    except UnicodeDecodeError:
        raise UploadError(["Het bestand kan niet worden gelezen: gebruik UTF-8 of een Excel-bestand (.xlsx)."]) from None


def _scan_part(part) -> None:
    """One streaming pass (expat, nothing kept) over an XML part: at most MAX_CELLS_PER_ROW cells in a
    row, MAX_SHARED_STRINGS shared strings and MAX_CELL_TEXT characters of text in one element."""
    from xml.parsers import expat

    state = {"cells": 0, "strings": 0, "text": 0}

    def start(name, _attrs):
        tag = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        state["text"] = 0
        if tag == "row":
            state["cells"] = 0
        elif tag == "c":
            state["cells"] += 1
            if state["cells"] > MAX_CELLS_PER_ROW:
                raise UploadError([TOO_BIG_XLSX_MESSAGE])
        elif tag == "si":
            state["strings"] += 1
            if state["strings"] > MAX_SHARED_STRINGS:
                raise UploadError([TOO_BIG_XLSX_MESSAGE])

    def text(data):
        state["text"] += len(data)
        if state["text"] > MAX_CELL_TEXT:
            raise UploadError([TOO_BIG_XLSX_MESSAGE])

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: state.update(text=0)
    parser.CharacterDataHandler = text
    try:
        while chunk := part.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise UploadError(["Het bestand kan niet worden gelezen als Excel-bestand (.xlsx)."]) from None


def _check_xlsx(data: bytes) -> None:
    """Refuse a workbook that would cost too much to read, before openpyxl opens it.

    1. Sizes: every part unpacks to at most its limit (a part that lies about its size fails its length
       check when read, so the declared sizes are a real bound); openpyxl loads the shared strings and
       the styles at once.
    2. Cells per row: openpyxl turns every cell of a row into a dict before ``max_col`` applies, so a
       row of a million ``<c/>`` elements would cost hundreds of megabytes. A streaming pass counts
       them (and the shared strings, and the text in one cell) and stops at the first excess."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = 0
            for info in infos:
                name = info.filename.lower()
                total += info.file_size
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    limit = MAX_XLSX_SHEET
                elif name.endswith("sharedstrings.xml"):
                    limit = MAX_XLSX_STRINGS
                else:
                    limit = MAX_XLSX_PART
                if info.file_size > limit or total > MAX_XLSX_TOTAL or len(infos) > 1_000:
                    raise UploadError([TOO_BIG_XLSX_MESSAGE])
            for info in infos:  # every XML part: a sheet can live under any name the relations point to
                if info.filename.lower().endswith(".xml"):
                    with archive.open(info) as part:
                        _scan_part(part)
    except UploadError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise UploadError(["Het bestand kan niet worden gelezen als Excel-bestand (.xlsx)."]) from None


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import zipfile
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    _check_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, ParseError, EOFError):
        raise UploadError(["Het bestand kan niet worden gelezen als Excel-bestand (.xlsx)."]) from None
    try:
        sheet = workbook.worksheets[0]
        # max_col: openpyxl pads every row to the sheet's last column otherwise (one value in column
        # XFD = 16 384 cells per row). Values beyond column MAX_COLUMNS are never read.
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_SHEET_ROWS + 1,
                                                     values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise UploadError([Msg("Het bestand heeft meer dan %(limit)s rijen.",
                                       limit=f"{MAX_ROWS:,}".replace(",", "."))])
            yield list(row)
    except UploadError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, ParseError, EOFError):
        raise UploadError(["Het bestand kan niet worden gelezen als Excel-bestand (.xlsx)."]) from None
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
        found = ", ".join(f"'{_cell(v)}'" for v in row if _cell(v)) or Msg("geen")
        raise UploadError([Msg("Rij %(number)s: de kolom 'naam' ontbreekt. Verwacht: naam, kvk (optioneel), "
                               "categorie. Gevonden kolommen: %(found)s.", number=number, found=found)])
    return columns


def _row(cells: list[Any], number: int, columns: dict[str, int], errors: list[str]) -> ParsedRelation | None:
    def get(col: str) -> str:
        i = columns.get(col)
        return _cell(cells[i]) if i is not None and i < len(cells) else ""

    name, kvk_raw, category_raw = get("naam"), get("kvk"), get("categorie")
    problems = []
    if not name:
        problems.append(Msg("Rij %(number)s, kolom 'naam': de naam ontbreekt", number=number))
    elif len(name) > 300:
        problems.append(Msg("Rij %(number)s, kolom 'naam': de naam is langer dan 300 tekens", number=number))
    elif has_control_chars(name):
        problems.append(Msg("Rij %(number)s, kolom 'naam': de naam bevat onzichtbare stuurtekens (bijvoorbeeld een "
                            "regeleinde of tab)", number=number))
    kvk = clean_kvk(kvk_raw) if kvk_raw else ""
    if kvk and not _KVK.match(kvk):
        if kvk.isdigit() and len(kvk) < 8:
            problems.append(Msg("Rij %(number)s, kolom 'kvk': '%(value)s' is geen KvK-nummer van 8 cijfers (let op: "
                                "Excel laat voorloopnullen weg; zet de kolom op 'Tekst')", number=number,
                                value=kvk_raw[:40]))
        else:
            problems.append(Msg("Rij %(number)s, kolom 'kvk': '%(value)s' is geen KvK-nummer van 8 cijfers",
                                number=number, value=kvk_raw[:40]))
    category = CATEGORIES.get(" ".join(category_raw.casefold().split()), None) if category_raw else "overig"
    if category is None:
        problems.append(Msg("Rij %(number)s, kolom 'categorie': '%(value)s' is geen bekende categorie. "
                            "Kies uit: %(allowed)s", number=number, value=category_raw[:60], allowed=ALLOWED_CATEGORIES))
    if problems:
        errors.extend(problems)
        return None
    return ParsedRelation(name, normalise_name(name), kvk or None, category)


def iter_relations(filename: str, data: bytes, errors: list[str]) -> Iterator[ParsedRelation]:
    """The rows of an uploaded list, one at a time (the file is never held as rows in memory). Bad rows
    are appended to ``errors`` (at most MAX_ERRORS and a closing line); a file-level problem raises
    UploadError. The caller must check ``errors`` after the last row."""
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
    columns: dict[str, int] | None = None
    count = 0
    for number, cells in enumerate(rows, start=1):
        if not cells or not any(_cell(v) for v in cells[:MAX_COLUMNS]):
            continue
        if columns is None:
            columns = _header(cells[:MAX_COLUMNS], number)
            continue
        count += 1
        if count > MAX_ROWS:
            raise UploadError([Msg("Het bestand heeft meer dan %(limit)s rijen.",
                                   limit=f"{MAX_ROWS:,}".replace(",", "."))])
        if len(errors) >= MAX_ERRORS:
            continue  # keep counting rows (the row limit), stop collecting messages
        relation = _row(cells, number, columns, errors)
        if len(errors) >= MAX_ERRORS:
            errors.append("Er zijn meer fouten; herstel deze eerst.")
        if relation is not None:
            yield relation
    if columns is None:
        raise UploadError(["Het bestand is leeg."])
    if count == 0 and not errors:
        raise UploadError(["Het bestand bevat geen relaties onder de kopregel."])


def parse_relations(filename: str, data: bytes) -> list[ParsedRelation]:
    """All rows of an uploaded list, or UploadError listing (up to 10) bad rows and columns."""
    errors: list[str] = []
    parsed = list(iter_relations(filename, data, errors))
    if errors:
        raise UploadError(errors)
    return parsed


# --- storage and the reviewer's findings ---------------------------------------------------------

class UploadRejected(InvalidInput):
    """Nothing was stored; ``errors`` name the rows and columns."""

    def __init__(self, errors: list[str]):
        super().__init__(joined(errors, sentences=True))
        self.errors = errors


def replace_relations(actor, filename: str, data: bytes):
    """Validate the whole file, then replace the organisation's list in one transaction."""
    from sqlalchemy import delete, insert

    from .. import audit
    from ..models import Relation, RelationUpload, db
    org_id = actor.organisation_id
    db.session.execute(delete(Relation).where(Relation.organisation_id == org_id))
    db.session.execute(delete(RelationUpload).where(RelationUpload.organisation_id == org_id))
    upload = RelationUpload(organisation_id=org_id, filename=(filename or "")[-255:], row_count=0,
                            uploaded_by_id=actor.id)
    db.session.add(upload)
    db.session.flush()
    # Rows are validated and inserted in batches as they are read; one bad row rolls everything back.
    errors: list[str] = []
    batch: list[dict] = []
    count = 0
    try:
        for r in iter_relations(filename, data, errors):
            count += 1
            if errors:
                continue
            batch.append({"organisation_id": org_id, "upload_id": upload.id, "name": r.name,
                          "normalised_name": r.normalised_name[:300], "kvk": r.kvk, "category": r.category})
            if len(batch) >= INSERT_BATCH:
                db.session.execute(insert(Relation), batch)
                batch = []
    except UploadError as exc:
        db.session.rollback()
        raise UploadRejected(exc.errors) from None
    if errors:
        db.session.rollback()
        raise UploadRejected(errors)
    if batch:
        db.session.execute(insert(Relation), batch)
    upload.row_count = count
    audit.record("relaties.geupload", actor=actor, bestand=upload.filename, rijen=count)
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
