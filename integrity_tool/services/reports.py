"""The signed PDF reports: view-models from the signed-off dossier, render + sign + store at
sign-off, scoped downloads, and verification of an uploaded PDF.

``render_and_store`` adds the Report rows to the caller's transaction and does not commit: the
sign-off either produces both signed documents or nothing at all.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from .. import audit
from ..models import (DeletedReport, Dossier, DossierStatus, MeasureAgreement, MeasureStatus, Organisation, Report,
                      Role, User, db)
from ..questionnaire import outcome_label
from . import notify, orgsetup, runtime, scoping, snapshot
from .errors import NotFound, StateError

KINDS = {"vertrouwelijk": "V", "samenvatting": "S"}
# An English version of a report is stored as kind "<kind>-en" with document number "...-VE"/"-SE".
ENGLISH = "-en"
DOC_NUMBER = re.compile(r"^RI-\d{4}-\d{6,}-[VS]E?$")
MAX_UPLOAD = 10 * 1024 * 1024
log = logging.getLogger("integrity_tool")


def document_number(dossier: Dossier, kind: str, lang: str = "nl") -> str:
    year = (dossier.signed_off_at or dossier.created_at or datetime.now()).year
    return f"RI-{year}-{dossier.id:06d}-{KINDS[kind]}" + ("E" if lang == "en" else "")


def stored_kind(kind: str, lang: str = "nl") -> str:
    """The Report.kind of ``kind`` in ``lang``: "vertrouwelijk" / "vertrouwelijk-en"."""
    return kind + (ENGLISH if lang == "en" else "")


def english_wanted(dossier: Dossier) -> bool:
    """English versions are made (and signed) at sign-off when a reader of the reports uses English:
    the candidate (their copy) or the signing reviewer. The summary for the raad stays Dutch by
    default; the English one is there for an English-speaking reader."""
    people = (dossier.candidate, dossier.signed_off_by or dossier.reviewer)
    return any(p is not None and (p.language or "nl").startswith("en") for p in people)


def _utc(dt: datetime | None) -> datetime | None:
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


# --- view-model -----------------------------------------------------------------------------------

def _sections(questionnaire, answers: dict, lang: str = "nl"):
    from ..pdf import AnswerRow, RepeatTable, SectionView
    from ..questionnaire import display_value, prune_hidden

    pruned = prune_hidden(questionnaire, answers)
    out = []
    for section in questionnaire.sections:
        rows, repeats = [], []
        for q in section.questions:
            value = pruned.get(q.id)
            if value is None or value == "" or value == []:
                continue
            if q.type == "repeat" and isinstance(value, list):
                items = [item for item in value if isinstance(item, dict)]
                # Columns nobody answered (e.g. optional or hidden sub-questions) only narrow the table.
                subs = [s for s in q.questions if any(item.get(s.id) not in (None, "", []) for item in items)]
                repeats.append(RepeatTable(q.localized_label(lang), tuple(s.localized_label(lang) for s in subs), tuple(
                    tuple(display_value(s, item.get(s.id), lang) for s in subs) for item in items)))
            else:
                rows.append(AnswerRow(q.localized_label(lang), display_value(q, value, lang)))
        if rows or repeats:
            out.append(SectionView(section.localized_title(lang), tuple(rows), tuple(repeats)))
    return tuple(out)


def public_nevenfuncties(questionnaire, answers: dict,
                         lang: str = "nl") -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Headers and rows of the public fields (``public: true``) of the nevenfuncties repeat."""
    from ..questionnaire import display_value, prune_hidden

    pruned = prune_hidden(questionnaire, answers)
    q = questionnaire.fact_question("position")  # the repeat marked ``fact: position``
    subs = [s for s in q.questions if s.public] if q is not None and q.type == "repeat" else []
    if not subs:
        return ("Nevenfunctie",), ()
    rows = tuple(tuple(display_value(s, item.get(s.id), lang) for s in subs)
                 for item in pruned.get(q.id) or [] if isinstance(item, dict))
    return tuple(s.localized_label(lang) for s in subs), rows


def build_report_data(dossier: Dossier, kind: str, lang: str = "nl"):
    """The renderer's view-model from the signed-off snapshot, in ``lang`` (the questionnaire's
    texts in English only when it has them). The summary gets only public data."""
    from ..pdf import ClarificationView, CommentView, FindingView, MeasureView, ReportData
    from . import measures as measures_service

    lang = "en" if lang == "en" else "nl"
    snap = snapshot.latest(dossier, lang=lang)
    sub, questionnaire, answers = snap.submission, snap.questionnaire, snap.answers
    qlang = questionnaire.content_language(lang) if questionnaire is not None else lang
    org = dossier.organisation
    labels = dict(org.labels)
    measures = [m for m in db.session.scalars(select(MeasureAgreement).where(MeasureAgreement.dossier_id == dossier.id)
                                              .order_by(MeasureAgreement.due_date, MeasureAgreement.id))]
    if kind == "samenvatting":
        measures = [m for m in measures if m.mentionable and m.status == MeasureStatus.geaccepteerd]
    texts = {m.id: measures_service.localized(m, lang) for m in measures}
    measure_views = tuple(MeasureView(texts[m.id][0], texts[m.id][1] if kind == "vertrouwelijk" else "",
                                      m.owner_label, m.due_date, bool(m.mentionable), _status_label(m),
                                      _utc(m.accepted_at), subject=m.subject or "")
                          for m in measures)
    talks = snapshot.gesprekken(dossier)
    common = dict(
        document_number=document_number(dossier, kind, lang), organisation_name=org.name,
        organisation_kind=org.kind.value, labels=labels, candidate_name=dossier.candidate.name,
        function_title=dossier.function_title, portfolio=dossier.portfolio or "",
        questionnaire_title=questionnaire.localized_title(qlang) if questionnaire else dossier.questionnaire_id,
        questionnaire_version=dossier.questionnaire_version, questionnaire_hash=dossier.questionnaire_hash,
        submitted_at=_utc(sub.created_at if sub else dossier.submitted_at),
        gesprek_at=talks[-1].held_on if talks else None, signed_off_at=_utc(dossier.signed_off_at),
        reviewer_name=dossier.signed_off_by.name if dossier.signed_off_by else "",
        outcome=dossier.outcome or "", outcome_label=outcome_label(dossier.outcome),
        conclusion=dossier.conclusion or "", measures=measure_views,
        verify_url=notify.link("public.landing", document_number=document_number(dossier, kind, lang)),
        language=lang,
    )
    if kind == "samenvatting":
        headers, rows = public_nevenfuncties(questionnaire, answers, qlang) if questionnaire else (("Nevenfunctie",), ())
        return ReportData(**common, public_nevenfuncties=rows, public_nevenfunctie_headers=headers)
    comments = snap.comments
    findings = tuple(_finding_view(item, FindingView, CommentView) for item in snap.findings)
    general = tuple(CommentView(c.author.name, _utc(c.created_at), _target_label(target, questionnaire, qlang), c.body)
                    for target, items in comments.items() if target.startswith("question:") for c in items)
    return ReportData(
        **common, findings=findings, sections=_sections(questionnaire, answers, qlang) if questionnaire else (),
        clarifications=tuple(ClarificationView(_utc(c.created_at), c.question, _utc(c.answered_at), c.response or "")
                             for c in snapshot.clarifications(dossier)),
        comments=general, declaration_name=(sub.declaration_name or "") if sub else "",
        declaration_at=_utc(sub.created_at) if sub else None,
        gesprek_participants="\n".join(t.participants for t in talks),
        gesprek_notes="\n\n".join(f"{t.held_on:%d-%m-%Y}: {t.notes}" for t in talks),
    )


def _status_label(m: MeasureAgreement) -> str:
    from ..models import MEASURE_STATUS_LABELS

    return MEASURE_STATUS_LABELS.get(m.status, "")  # a catalogue msgid: the report translates it


def _target_label(target: str, questionnaire, lang: str = "nl") -> str:
    qid = target.partition(":")[2]
    try:
        return questionnaire.question(qid).localized_label(lang) if questionnaire else qid
    except KeyError:
        return qid


def _finding_view(item, FindingView, CommentView):
    last = item.last_decision
    return FindingView(
        theme_title=item.finding.theme_title, level=item.level or item.original_level,
        explanation=item.finding.explanation, legal=item.finding.legal,
        original_level=item.original_level if last is not None and (item.changed or item.dismissed) else None,
        level_justification=last.justification if last is not None else None, dismissed=item.dismissed,
        answers=tuple(tuple(p) for p in item.finding.answers),
        details=tuple(item.finding.details), contradictions=tuple(tuple(c) for c in item.finding.contradictions),
        comments=tuple(CommentView(c.author.name, _utc(c.created_at), "bevinding", c.body) for c in item.comments),
    )


# --- render, sign, store ------------------------------------------------------------------------

def _sign_job(dossier: Dossier, kind: str, lang: str = "nl"):
    from ..pdf.i18n import _, language
    from ..render_pool import SignJob

    org = dossier.organisation
    p12, passphrase = orgsetup.signer_for(org)
    with language(lang):
        reason = (_("Vertrouwelijk rapport") if kind == "vertrouwelijk" else _(org.labels["summary_title"])) + \
            " " + _("risicoanalyse integriteit")
        title = _(org.labels["reviewer_title"])
    return SignJob(kind=kind, data=build_report_data(dossier, kind, lang), p12_path="", p12_data=p12,
                   passphrase=passphrase,
                   signer_name=f"{dossier.signed_off_by.name} ({title})",
                   reason=reason, location=org.name, timestamp_url=runtime.config("TIMESTAMP_URL"))


def render_and_store(dossier: Dossier) -> list[Report]:
    """Render and sign both documents and add them to the session (the caller commits).

    The rendering and signing run in the report process pool when ``REPORT_PROCESSES`` > 0.
    """
    from .. import render_pool

    kinds = [(kind, "nl") for kind in KINDS]
    if english_wanted(dossier):
        kinds += [(kind, "en") for kind in KINDS]
    jobs = (_sign_job(dossier, kind, lang) for kind, lang in kinds)  # each rendered as soon as built
    signed_documents = render_pool.run(jobs, int(runtime.config("REPORT_PROCESSES") or 0))
    reports = []
    for (kind, lang), signed in zip(kinds, signed_documents):
        report = Report(dossier_id=dossier.id, kind=stored_kind(kind, lang),
                        document_number=document_number(dossier, kind, lang),
                        sha256=hashlib.sha256(signed).hexdigest(), size=len(signed), content=signed)
        db.session.add(report)
        reports.append(report)
    db.session.flush()
    return reports


def make_english_summary(user: User, public_id: str, *, ip: str | None = None) -> Report:
    """The raad summary in English as well, on request of the reviewer or the griffier (issue 14.3): the
    summary is Dutch by default; this renders the same signed-off content in English and signs it with the
    organisation's key, as at sign-off (document number ...-SE). Made once; asking again returns it."""
    from sqlalchemy.exc import IntegrityError

    from .. import render_pool

    dossier = scoping.get_dossier(user, public_id, roles=(Role.reviewer, Role.griffier))
    if "samenvatting" not in allowed_kinds(user, dossier) or dossier.status != DossierStatus.afgerond:
        raise NotFound()
    stored = reports_of(dossier)
    kind = stored_kind("samenvatting", "en")
    if stored.get(kind) is not None:
        return stored[kind]
    if dossier.signed_off_by is None or dossier.purged_at is not None or stored.get("samenvatting") is None:
        raise StateError("De samenvatting kan niet meer in het Engels worden gemaakt: de gegevens van dit dossier "
                         "zijn na de bewaartermijn verwijderd.")
    try:
        signed = list(render_pool.run([_sign_job(dossier, "samenvatting", "en")],
                                      int(runtime.config("REPORT_PROCESSES") or 0)))[0]
    except Exception:
        db.session.rollback()
        log.exception("rendering or signing the English summary failed")
        raise StateError("Het maken van de Engelse samenvatting is mislukt. Er is niets gewijzigd. Probeer het later "
                         "opnieuw of neem contact op met de beheerder.") from None
    report = Report(dossier_id=dossier.id, kind=kind, document_number=document_number(dossier, "samenvatting", "en"),
                    sha256=hashlib.sha256(signed).hexdigest(), size=len(signed), content=signed)
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # made at the same moment by someone else: theirs stands
        db.session.rollback()
        return reports_of(dossier)[kind]
    audit.record("rapport.engels_gemaakt", actor=user, dossier=dossier, ip=ip, soort="samenvatting",
                 documentnummer=report.document_number)
    db.session.commit()
    return report


# --- downloads -------------------------------------------------------------------------------------

def allowed_kinds(user: User, dossier: Dossier) -> tuple[str, ...]:
    if user.organisation_id != dossier.organisation_id:
        return ()
    if user.role == Role.reviewer:
        return ("vertrouwelijk", "samenvatting")
    if user.role == Role.candidate and dossier.candidate_id == user.id:
        return ("vertrouwelijk",)
    if user.role == Role.griffier:
        return ("samenvatting", "vertrouwelijk") if scoping.can_see_confidential(user, dossier) else ("samenvatting",)
    return ()


def reports_of(dossier: Dossier) -> dict[str, Report]:
    return {r.kind: r for r in db.session.scalars(select(Report).where(Report.dossier_id == dossier.id))}


def download(user: User, public_id: str, kind: str, *, ip: str | None = None,
             lang: str | None = None) -> tuple[str, bytes]:
    """(file name, signed bytes) of a report this user may have; audited. 404 for anything else.

    ``kind`` "vertrouwelijk"/"samenvatting" gives the version in the reader's ``lang`` when it was
    made (else the Dutch one); "<kind>-en" / "<kind>-nl" ask for one language explicitly."""
    base, _dash, forced = kind.rpartition("-") if kind.endswith(("-en", "-nl")) else (kind, "", "")
    if base not in KINDS:
        raise NotFound()
    dossier = scoping.get_dossier(user, public_id, roles=(Role.reviewer, Role.candidate, Role.griffier))
    if base not in allowed_kinds(user, dossier) or dossier.status != DossierStatus.afgerond:
        raise NotFound()
    stored = reports_of(dossier)
    if forced:
        report = stored.get(stored_kind(base, forced))
    else:
        english = stored.get(stored_kind(base, "en")) if (lang or "").startswith("en") else None
        report = english or stored.get(base)
    if report is None or report.content is None:
        raise NotFound()
    kind = base
    audit.record("rapport.gedownload", actor=user, dossier=dossier, ip=ip, soort=kind,
                 documentnummer=report.document_number)
    db.session.commit()
    name = "vertrouwelijk-rapport" if kind == "vertrouwelijk" else "samenvatting"
    return f"risicoanalyse-{name}-{report.document_number}.pdf", report.content


# --- verification ----------------------------------------------------------------------------------

@dataclass
class Verification:
    result: object  # signing.VerificationResult
    report: Report | None = None
    organisation: Organisation | None = None
    registered: bool = False  # the bytes are exactly those we issued under this document number
    number_known: bool = False
    # Deleted under the retention policy: only its number and hash are left (DeletedReport).
    deleted: DeletedReport | None = None

    @property
    def ok(self) -> bool:
        return bool(self.result.ok and self.registered and self.deleted is None)

    @property
    def deleted_but_genuine(self) -> bool:
        """Issued by us exactly like this, and since deleted under the retention policy."""
        return bool(self.deleted is not None and self.registered and self.result.ok)

    @property
    def problems(self) -> list[str]:
        problems = list(self.result.problems)
        if self.deleted is not None and self.registered and not problems:
            problems.append(MSG_DELETED_UNDER_RETENTION)
        elif self.result.signed and not self.number_known:
            problems.append("Het documentnummer is bij ons niet bekend.")
        elif self.number_known and not self.registered and not problems:
            problems.append("Het document wijkt af van het document dat wij onder dit nummer hebben uitgegeven.")
        return problems


MSG_DELETED_UNDER_RETENTION = ("Dit document is door ons uitgegeven en is niet gewijzigd, maar het is inmiddels volgens "
                               "de bewaartermijn verwijderd. Het geldt daarom niet meer als actueel document.")


def ca_pem(org: Organisation) -> bytes | None:
    """The organisation's CA (PEM) from the database; None when it never had signing material."""
    return orgsetup.ca_pem(org)


def _extra_roots() -> list[bytes]:
    roots = []
    for path in runtime.config("SIGNING_TRUST_ROOTS") or ():
        try:
            roots.append(Path(path).read_bytes())
        except OSError:
            continue
    return roots


def report_by_number(number: str | None) -> Report | None:
    if not number or not DOC_NUMBER.match(number):
        return None
    return db.session.scalar(select(Report).where(Report.document_number == number))


def _document_number_of(data: bytes) -> str | None:
    """The /DocumentNumber the renderer writes into the PDF's /Info (None if unreadable)."""
    import io
    import logging
    import warnings

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = PdfReader(io.BytesIO(data), strict=False).metadata or {}
            value = info.get("/DocumentNumber")
    except Exception:  # garbage upload: verify_pdf reports what is wrong
        return None
    return str(value)[:60] if value is not None else None


def verify_upload(data: bytes) -> Verification:
    """Verify a PDF against the CA of the organisation that issued its document number, and compare
    it byte for byte (sha256) with the document we stored. Never raises."""
    from .. import signing

    if not data or len(data) > MAX_UPLOAD:
        return Verification(signing.verify_pdf(b"", []))
    report = report_by_number(_document_number_of(data))
    if report is not None:
        org = report.dossier.organisation
        roots = [ca_pem(org)] + _extra_roots()
    else:
        org = None
        roots = [ca_pem(o) for o in db.session.scalars(select(Organisation)).all()] + _extra_roots()
    deleted = deleted_by_number(_document_number_of(data)) if report is None else None
    if deleted is not None:
        org = deleted.organisation
        roots = [ca_pem(org)] + _extra_roots()
    roots = [root for root in roots if root]
    result = signing.verify_pdf(data, roots)
    digest = hashlib.sha256(data).hexdigest()
    known = report if report is not None else deleted
    registered = known is not None and digest == known.sha256
    return Verification(result, report, org, registered, known is not None, deleted)


def deleted_by_number(number: str | None) -> DeletedReport | None:
    if not number or not DOC_NUMBER.match(number):
        return None
    return db.session.scalar(select(DeletedReport).where(DeletedReport.document_number == number))


__all__ = ["build_report_data", "render_and_store", "download", "verify_upload", "document_number"]
