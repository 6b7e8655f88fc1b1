"""Exports for the griffie: the overview (XLSX, CSV), the raad summaries of a round (ZIP) and the
audit trail of a dossier (CSV). Every export is audited; none contains answers or findings.

Spreadsheet formulas are neutralised in every text cell (CWE-1236): a value that starts with
= + - @, a tab or a carriage return gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from flask_babel import gettext
from sqlalchemy import func, select

from .. import audit, xlsx
from ..models import AuditEvent, Dossier, Report, Round, User, db, utcnow
from ..questionnaire import Level
from ..questionnaire.values import to_local
from . import overview, scoping
from .errors import InvalidInput
from .rounds import MANAGERS
from .users import slugify

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_COLUMNS = ("Deadline", "Datum besluit", "Aangemaakt")


def N_(text: str) -> str:
    """Marks a Dutch column header for the catalogue; translated (gettext) when the export is made,
    so the headers follow the interface language of whoever exports."""
    return text


@dataclass(frozen=True)
class Export:
    filename: str
    mimetype: str
    data: bytes


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula becomes literal text; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _columns(show_counts: bool) -> list[tuple[str, int]]:
    cols = [(N_("Kandidaat"), 28), (N_("Functie"), 22), (N_("Portefeuille"), 28), (N_("Ronde"), 22),
            (N_("Status"), 22), (N_("Onderdelen klaar"), 10), (N_("Onderdelen totaal"), 10), (N_("Deadline"), 12),
            (N_("Deadline verlopen"), 10), (N_("Beoordelaar"), 24), (N_("Rapporten"), 20),
            (N_("Uitslag benoeming"), 16), (N_("Datum besluit"), 12), (N_("Aangemaakt"), 12),
            (N_("Dossiernummer"), 18)]
    if show_counts:
        cols += [(level.label, 12 if level == Level.aandachtspunt else 10) for level in Level]
    return [(gettext(label), width) for label, width in cols]


def _values(row: overview.Row, show_counts: bool) -> list[Any]:
    values = [row.candidate, row.function_title, row.portfolio or "", row.round_name or "", gettext(row.status_label),
              row.progress_done, row.progress_total, row.deadline, gettext("Ja") if row.overdue else gettext("Nee"),
              row.reviewer or "", _tr(row.reports_label), _tr(row.result_label), row.appointment_decided_at,
              to_local(row.created_at).date() if row.created_at else None, row.public_id]
    if show_counts:
        values += list(row.finding_counts or (0, 0, 0))
    return values


def _tr(text: str) -> str:
    return gettext(text) if text else ""


def _local_iso(value: datetime) -> str:
    """Europe/Amsterdam time with its UTC offset ("2026-11-30T20:10:02+01:00"): readable, unambiguous."""
    return to_local(value).isoformat(timespec="seconds")


def _stamp() -> str:
    return to_local(utcnow()).strftime("%Y%m%d-%H%M")


def overview_csv(actor: User, filters: overview.Filters, sep: str = ",") -> Export:
    """UTF-8 with BOM (Excel recognises the encoding); ';' for Dutch Excel, ',' otherwise."""
    sep = ";" if sep == ";" else ","
    show = overview.shows_counts(actor)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([name for name, _w in _columns(show)])
    count = 0
    included = []
    for row in overview.iter_rows(actor, filters):
        writer.writerow([_csv_cell(v) for v in _values(row, show)])
        included.append(row.public_id)
        count += 1
    # Which dossiers the file held: each candidate sees this export on their inzage page.
    audit.record("export.overzicht_csv", actor=actor, rijen=count, scheidingsteken=sep, dossiers=included)
    db.session.commit()
    return Export(f"dossiers-{_stamp()}.csv", "text/csv; charset=utf-8", buffer.getvalue().encode("utf-8"))


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(value)


def overview_xlsx(actor: User, filters: overview.Filters) -> Export:
    """Bold filled header, frozen header row, autofilter, column widths, real dates (``xlsx.workbook``)."""
    show = overview.shows_counts(actor)
    columns = [xlsx.Column(name, width, is_date=name in DATE_COLUMNS) for name, width in _columns(show)]
    included: list[str] = []

    def rows():
        for row in overview.iter_rows(actor, filters):
            included.append(row.public_id)
            yield [neutralise(v) for v in _values(row, show)]

    data = xlsx.workbook("Dossiers", columns, rows(), creator="Risicoanalyse integriteit")
    # Which dossiers the file held: each candidate sees this export on their inzage page.
    audit.record("export.overzicht_xlsx", actor=actor, rijen=len(included), dossiers=included)
    db.session.commit()
    return Export(f"dossiers-{_stamp()}.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)


def _latest_summaries(target: Round) -> list[tuple[Report, str, str]]:
    latest = (select(func.max(Report.id)).join(Dossier, Dossier.id == Report.dossier_id)
              .where(Dossier.round_id == target.id, Dossier.organisation_id == target.organisation_id,
                     Report.kind == "samenvatting").group_by(Report.dossier_id))
    rows = db.session.execute(
        select(Report, User.name, Dossier.function_title).join(Dossier, Dossier.id == Report.dossier_id)
        .join(User, User.id == Dossier.candidate_id).where(Report.id.in_(latest)).order_by(User.name)
    ).all()
    return [(r, name, function) for r, name, function in rows]


def summaries_zip(actor: User, target: Round) -> Export:
    """The latest signed raad summary of every dossier in the round, with a manifest."""
    scoping.ensure_same_organisation(actor, target)
    reports = _latest_summaries(target)
    if not reports:
        raise InvalidInput("Er zijn in deze ronde nog geen ondertekende samenvattingen voor de raad.")
    buffer = io.BytesIO()
    manifest: list[dict] = []
    included: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for report, name, function in reports:
            content = report.content
            if content is None:
                continue
            digest = hashlib.sha256(content).hexdigest()
            filename = f"{slugify(report.document_number)[:60]}-{slugify(name)[:60]}.pdf"
            archive.writestr(filename, content)
            included.append(report.dossier.public_id)
            manifest.append({"documentnummer": report.document_number, "kandidaat": name, "functie": function,
                             "bestand": filename, "sha256": digest, "bytes": len(content),
                             "aangemaakt": _local_iso(report.created_at),
                             "controle": "in orde" if digest == report.sha256 else "AFWIJKING van opgeslagen hash"})
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(manifest[0]) if manifest else ["documentnummer"],
                                lineterminator="\r\n")
        writer.writeheader()
        for entry in manifest:
            writer.writerow({k: neutralise(v) for k, v in entry.items()})
        archive.writestr("manifest.csv", "\ufeff" + text.getvalue())
        archive.writestr("manifest.json", json.dumps(
            {"ronde": target.name, "organisatie": actor.organisation.name,
             "gemaakt": _local_iso(utcnow()), "documenten": manifest},
            ensure_ascii=False, indent=2))
    audit.record("export.samenvattingen_zip", actor=actor, ronde=target.public_id, documenten=len(manifest),
                 documentnummers=[m["documentnummer"] for m in manifest], dossiers=included)
    db.session.commit()
    return Export(f"samenvattingen-{slugify(target.name)[:60]}.zip", "application/zip", buffer.getvalue())


def audit_csv(actor: User, public_id: str) -> Export:
    """The dossier's audit trail: when, what, who and the chain hash. Details only for those who may
    see confidential content (they can name findings); never answer content."""
    dossier = scoping.get_dossier(actor, public_id, roles=MANAGERS)
    with_detail = scoping.can_see_confidential(actor, dossier)
    events: Iterable[AuditEvent] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.dossier_id == dossier.id).order_by(AuditEvent.id))
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([gettext("nummer"), gettext("tijdstip (Nederlandse tijd)"), gettext("handeling"), gettext("door")]
                    + ([gettext("details")] if with_detail else []) + ["hash"])
    count = 0
    for e in events:
        detail = [json.dumps(e.detail or {}, ensure_ascii=False, sort_keys=True)] if with_detail else []
        writer.writerow([e.id, _local_iso(e.created_at), neutralise(e.action), neutralise(e.actor)]
                        + [neutralise(d) for d in detail] + [e.hash])
        count += 1
    audit.record("export.audittrail_csv", actor=actor, dossier=dossier, gebeurtenissen=count)
    db.session.commit()
    return Export(f"audittrail-{dossier.public_id}.csv", "text/csv; charset=utf-8", buffer.getvalue().encode("utf-8"))
