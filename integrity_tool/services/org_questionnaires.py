"""The one place for questionnaires: the shipped ones (files) and each organisation's own (database).

An organisation's administrator uploads a YAML file (or copies a shipped questionnaire as a
draft), sees the validation errors with line numbers, previews it, compares it with the version in
use, activates it for new dossiers and retires it. Every page, export, CLI listing and report asks
this module which questionnaires an organisation has, so a questionnaire of organisation A is
never visible to organisation B.

Rules (docs/questionnaire-format.md, "Eigen vragenlijsten"):

- A questionnaire in the database is self-contained or includes *shipped* fragments only
  (``include: common/belangen.yaml``); includes are resolved at upload and the resolved definition
  is stored, so a later update of a shipped fragment does not change a stored version.
- Measure ids are checked against the shipped measures catalogue.
- ``applies_to`` must name the organisation's kind; (id, version) must not be a shipped version.
- Statuses: ``concept`` -> ``actief`` (offered for new dossiers; one active version per id, the
  previous one is retired) -> ``ingetrokken``. An active version with the id of a shipped
  questionnaire replaces it for this organisation's new dossiers.
- A version is immutable once it was activated (then a dossier may use it): uploading the same
  id and version again is only possible while it is a draft. Dossiers stay pinned to
  (id, version, content hash); ``for_record`` resolves them, for any status.

Public API: ``applicable``, ``for_record``, ``listing``, ``get``, ``upload``, ``copy_shipped``,
``activate``, ``retire``, ``diff_lines``, ``in_use_for``, ``UploadInvalid``,
``MAX_UPLOAD_BYTES``.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import audit
from ..models import Dossier, Organisation, OrgQuestionnaire, Role, User, db, utcnow
from ..questionnaire import Questionnaire, QuestionnaireError, load_questionnaire_text
from ..questionnaire.errors import Problem
from . import runtime
from .errors import DomainError, InvalidInput, Msg, NotFound, StateError

__all__ = [
    "MAX_UPLOAD_BYTES", "DiffLine", "UploadInvalid", "activate", "applicable", "copy_shipped", "diff_lines",
    "for_record", "get", "in_use_for", "listing", "retire", "shipped_for", "upload",
]

MAX_UPLOAD_BYTES = 512 * 1024
TOO_LARGE = "Het bestand is te groot. Een vragenlijst is hoogstens 512 kB."
IMMUTABLE = ("Deze versie is al in gebruik geweest en kan niet meer veranderen. Geef de nieuwe vragenlijst een "
             "hoger versienummer (version).")
MANAGERS = (Role.admin,)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class UploadInvalid(DomainError):
    """The file is not a valid questionnaire; ``errors`` holds one ``name:line: path: message`` each."""

    status = 400

    def __init__(self, errors: list[str]):
        super().__init__("De vragenlijst bevat fouten en is niet opgeslagen.")
        self.errors = [_as_msg(e) for e in errors]


def _as_msg(line):
    """A loader's error line (``questionnaire.errors.Problem``) as a ``Msg``, translated where it is shown;
    ``file:line: path`` and the parameters stay as they are."""
    if not isinstance(line, Problem):
        return line
    return Msg(line.msgid, **{k: _as_msg(v) for k, v in line.params.items()})


# --- reading: which questionnaires an organisation has ----------------------------------------------

_loaded: dict[tuple, Questionnaire] = {}
# The columns that identify a version; the large text columns are read only on a cache miss.
_KEY = (OrgQuestionnaire.id, OrgQuestionnaire.organisation_id, OrgQuestionnaire.questionnaire_id,
        OrgQuestionnaire.version, OrgQuestionnaire.content_hash)


def _load_row(row) -> Questionnaire | None:
    """A stored version as a Questionnaire (cached per process: a version's content never changes under
    its hash). ``row`` is an OrgQuestionnaire or a row of the ``_KEY`` columns."""
    key = (row.organisation_id, row.questionnaire_id, row.version, row.content_hash)
    if key not in _loaded:
        definition = row.definition if isinstance(row, OrgQuestionnaire) else db.session.scalar(
            select(OrgQuestionnaire.definition).where(OrgQuestionnaire.id == row.id))
        try:
            q = load_questionnaire_text(definition or "", f"{row.questionnaire_id}-{row.version}.json",
                                        runtime.catalog().measures)
        except QuestionnaireError:
            return None
        if len(_loaded) > 512:
            _loaded.clear()
        _loaded[key] = q
    return _loaded[key]


def shipped_for(org: Organisation) -> list[Questionnaire]:
    """The shipped questionnaires for the organisation's kind (latest versions)."""
    return runtime.catalog().for_kind(org.kind.value)


def _active_rows(org_id: int) -> list[OrgQuestionnaire]:
    return list(db.session.scalars(select(OrgQuestionnaire).where(
        OrgQuestionnaire.organisation_id == org_id, OrgQuestionnaire.status == "actief")
        .order_by(OrgQuestionnaire.questionnaire_id)))


def _active_keys(org_id: int) -> list:
    return list(db.session.execute(select(*_KEY).where(
        OrgQuestionnaire.organisation_id == org_id, OrgQuestionnaire.status == "actief")
        .order_by(OrgQuestionnaire.questionnaire_id)))


def applicable(org: Organisation) -> list[Questionnaire]:
    """Questionnaires offered for this organisation's new dossiers: the shipped ones for its kind,
    where an active own version with the same id takes the shipped one's place, plus its own."""
    by_id = {q.id: q for q in shipped_for(org)}
    for row in _active_keys(org.id):
        q = _load_row(row)
        if q is not None and org.kind.value in q.applies_to:
            by_id[q.id] = q
    return [by_id[k] for k in sorted(by_id)]


def _org_id_of(record) -> int | None:
    org_id = getattr(record, "organisation_id", None)
    if org_id is None and getattr(record, "dossier", None) is not None:
        org_id = record.dossier.organisation_id
    return org_id


def for_record(record) -> Questionnaire | None:
    """The questionnaire a dossier or submission was answered on: the organisation's own version
    (id + version, whatever its status), else a shipped one (``Catalog.for_record``), else the
    organisation's own version with the same content hash; ``None`` when none matches."""
    org_id = _org_id_of(record)
    if org_id is not None:
        row = db.session.execute(select(*_KEY).where(
            OrgQuestionnaire.organisation_id == org_id,
            OrgQuestionnaire.questionnaire_id == record.questionnaire_id,
            OrgQuestionnaire.version == record.questionnaire_version)).first()
        if row is not None:
            return _load_row(row)
    found = runtime.catalog().for_record(record)
    if found is not None or org_id is None:
        return found
    content = getattr(record, "questionnaire_hash", None)
    row = db.session.execute(select(*_KEY).where(
        OrgQuestionnaire.organisation_id == org_id, OrgQuestionnaire.content_hash == content).limit(1)).first() \
        if content else None
    return _load_row(row) if row is not None else None


# --- the administrator's pages -----------------------------------------------------------------------

def _check(admin: User) -> Organisation:
    if admin is None or admin.role not in MANAGERS or admin.organisation_id is None:
        raise NotFound()
    return admin.organisation


def listing(org: Organisation) -> list[OrgQuestionnaire]:
    """The organisation's own versions, newest first (for the beheer page and the CLI)."""
    return list(db.session.scalars(select(OrgQuestionnaire).where(OrgQuestionnaire.organisation_id == org.id)
                                   .order_by(OrgQuestionnaire.questionnaire_id, OrgQuestionnaire.created_at.desc(),
                                             OrgQuestionnaire.id.desc())))


def get(admin: User, public_id: str) -> OrgQuestionnaire:
    """One version of the administrator's own organisation. :raise NotFound: otherwise."""
    org = _check(admin)
    row = db.session.scalar(select(OrgQuestionnaire).where(OrgQuestionnaire.public_id == str(public_id)[:32],
                                                           OrgQuestionnaire.organisation_id == org.id))
    if row is None:
        raise NotFound("Deze vragenlijst bestaat niet (meer).")
    return row


def questionnaire_of(row: OrgQuestionnaire) -> Questionnaire:
    q = _load_row(row)
    if q is None:
        raise NotFound("Deze vragenlijst kan niet meer worden geladen.")
    return q


def dossier_count(row: OrgQuestionnaire) -> int:
    return db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.organisation_id == row.organisation_id, Dossier.questionnaire_id == row.questionnaire_id,
        Dossier.questionnaire_version == row.version)) or 0


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(TOO_LARGE)
    if not data.strip():
        raise InvalidInput("Het bestand is leeg. Kies een YAML-bestand met een vragenlijst.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("Het bestand is geen UTF-8-tekst. Sla het op als UTF-8 (zonder andere codering) en "
                           "probeer het opnieuw.") from None
    if "\x00" in text:
        raise InvalidInput("Het bestand is geen tekstbestand. Kies een YAML-bestand met een vragenlijst.")
    return text


def _clean_name(filename: str | None) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:120].strip()
    return name or "vragenlijst.yaml"


def validate(org: Organisation, text: str, name: str) -> Questionnaire:
    """Validate YAML text for this organisation. :raise UploadInvalid: with every problem."""
    try:
        q = load_questionnaire_text(text, name, runtime.catalog().measures)
    except QuestionnaireError as exc:
        raise UploadInvalid(exc.errors) from None
    problems = []
    if not _ID_RE.match(q.id):
        problems.append(Msg("%(file)s:1: id: gebruik kleine letters, cijfers, '.', '-' of '_' (hoogstens 100 tekens)",
                            file=name))
    if len(q.version) > 40:
        problems.append(Msg("%(file)s:1: version: hoogstens 40 tekens", file=name))
    if org.kind.value not in q.applies_to:
        problems.append(Msg("%(file)s:1: applies_to: deze vragenlijst geldt niet voor een %(kind)s; "
                            "voeg '%(kind)s' toe aan applies_to", file=name, kind=org.kind.value))
    try:
        runtime.catalog().get(q.id, q.version)
    except KeyError:
        pass
    else:
        problems.append(Msg("%(file)s:1: version: versie %(version)s van '%(id)s' wordt al meegeleverd; "
                            "geef uw versie een eigen versienummer", file=name, version=q.version, id=q.id))
    if problems:
        raise UploadInvalid(problems)
    return q


def upload(admin: User | None, data: bytes, filename: str | None, *, org: Organisation | None = None,
           ip: str | None = None) -> tuple[OrgQuestionnaire, bool]:
    """Store an uploaded questionnaire as a draft of the administrator's organisation.

    ``admin`` may be ``None`` for the command line (then ``org`` names the organisation).
    Returns (row, created): the same file uploaded twice gives the existing row and ``False``.
    :raise InvalidInput: too large, empty, not UTF-8. :raise UploadInvalid: validation errors.
    :raise StateError: the version exists and was already activated (immutable).
    """
    if admin is not None:
        org = _check(admin)
    if org is None:
        raise NotFound()
    name = _clean_name(filename)
    text = _decode(data, name)
    q = validate(org, text, name)
    return _store(admin, org, q, text, name, ip=ip, event="vragenlijst.geupload")


def _store(admin, org, q: Questionnaire, text: str, name: str, *, ip, event: str, **detail):
    definition = json.dumps(q.definition, sort_keys=True, ensure_ascii=False)
    existing = db.session.scalar(select(OrgQuestionnaire).where(
        OrgQuestionnaire.organisation_id == org.id, OrgQuestionnaire.questionnaire_id == q.id,
        OrgQuestionnaire.version == q.version))
    if existing is not None:
        if existing.content_hash == q.content_hash and existing.source == text:
            return existing, False
        if existing.status != "concept" or existing.activated_at is not None or dossier_count(existing):
            raise StateError(IMMUTABLE)
        row = existing
        event = "vragenlijst.concept_vervangen"
    else:
        row = OrgQuestionnaire(organisation_id=org.id, questionnaire_id=q.id, version=q.version, status="concept")
        db.session.add(row)
    row.title, row.filename, row.source, row.definition = q.title[:300], name, text, definition
    row.content_hash = q.content_hash
    row.created_by_id = admin.id if admin is not None else None
    db.session.flush()
    audit.record(event, actor=admin, organisation_id=org.id, ip=ip, vragenlijst=q.id, versie=q.version,
                 hash=q.content_hash, bestand=name, **detail)
    db.session.commit()
    return row, True


_VERSION_LINE = re.compile(r"^version:[ \t]*(['\"]?)([^'\"\n#]+?)\1[ \t]*(#.*)?$", re.MULTILINE)


def copy_shipped(admin: User, questionnaire_id: str, *, ip: str | None = None) -> OrgQuestionnaire:
    """A draft copy of a shipped questionnaire (same id, version ``<version>-<slug>.1``, or the next free)."""
    org = _check(admin)
    shipped = {q.id: q for q in shipped_for(org)}
    q = shipped.get(str(questionnaire_id))
    if q is None or q.source is None:
        raise NotFound("Deze meegeleverde vragenlijst bestaat niet voor uw organisatie.")
    text = q.source.read_text(encoding="utf-8")
    taken = {row.version for row in listing(org) if row.questionnaire_id == q.id}
    n = 1
    tag = org.slug[:20].strip("-") or "eigen"
    while f"{q.version}-{tag}.{n}" in taken:
        n += 1
    version = f"{q.version}-{tag}.{n}"
    text, count = _VERSION_LINE.subn(f'version: "{version}"', text, count=1)
    if not count:
        raise StateError("De versieregel van deze vragenlijst is niet te vinden; upload een eigen kopie.")
    copy = validate(org, text, q.source.name)
    row, _created = _store(admin, org, copy, text, q.source.name, ip=ip, event="vragenlijst.gekopieerd",
                           bron_versie=q.version)
    return row


def activate(admin: User | None, public_id: str | None = None, *, row: OrgQuestionnaire | None = None,
             ip: str | None = None) -> bool:
    """Offer this version for new dossiers; the previously active version of the same id is retired.
    Returns ``False`` when it was already active (a double submit)."""
    if row is None:
        row = get(admin, public_id)
    if row.status == "actief":
        return False
    if _load_row(row) is None:
        raise StateError("Deze vragenlijst kan niet meer worden geladen en kan dus niet in gebruik worden genomen.")
    now = utcnow()
    for other in _active_rows(row.organisation_id):
        if other.questionnaire_id == row.questionnaire_id and other.id != row.id:
            other.status, other.retired_at = "ingetrokken", now
            audit.record("vragenlijst.ingetrokken", actor=admin, organisation_id=row.organisation_id, ip=ip,
                         vragenlijst=other.questionnaire_id, versie=other.version, reden="nieuwe versie")
    row.status, row.activated_at, row.retired_at = "actief", now, None
    audit.record("vragenlijst.geactiveerd", actor=admin, organisation_id=row.organisation_id, ip=ip,
                 vragenlijst=row.questionnaire_id, versie=row.version, hash=row.content_hash)
    db.session.commit()
    return True


def retire(admin: User, public_id: str, *, ip: str | None = None) -> bool:
    """Stop offering this version for new dossiers (dossiers that use it keep it).
    Returns ``False`` when it was already retired."""
    row = get(admin, public_id)
    if row.status == "ingetrokken":
        return False
    row.status, row.retired_at = "ingetrokken", utcnow()
    audit.record("vragenlijst.ingetrokken", actor=admin, organisation_id=row.organisation_id, ip=ip,
                 vragenlijst=row.questionnaire_id, versie=row.version)
    db.session.commit()
    return True


# --- comparing -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same", "hunk"
    text: str


def in_use_for(row: OrgQuestionnaire) -> tuple[str, str, str] | None:
    """(label, version, YAML text) of the version new dossiers get now for the same id, other than ``row``:
    the organisation's active version, else the shipped one; ``None`` if there is none."""
    for other in _active_rows(row.organisation_id):
        if other.questionnaire_id == row.questionnaire_id and other.id != row.id:
            return ("eigen", other.version, other.source)
    if row.status == "actief":
        return None
    shipped = {q.id: q for q in shipped_for(row.organisation)}
    q = shipped.get(row.questionnaire_id)
    if q is not None and q.source is not None:
        return ("meegeleverd", q.version, q.source.read_text(encoding="utf-8"))
    return None


def diff_lines(old: str, new: str, old_name: str, new_name: str, context: int = 3) -> list[DiffLine]:
    """A unified diff of two YAML texts as lines to show (``+``/``-`` kept in the text)."""
    out = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, n=context,
                                     lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        kind = {"@": "hunk", "+": "add", "-": "del"}.get(line[:1], "same")
        out.append(DiffLine(kind, line))
    return out
