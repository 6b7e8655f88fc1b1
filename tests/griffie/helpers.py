"""Build griffie test data directly through models and services (no candidate journey needed)."""
from __future__ import annotations

import hashlib
import itertools
from datetime import date, datetime

from integrity_tool.models import (AppointmentResult, Dossier, DossierStatus, Organisation, Report, Submission, User,
                                   db, utcnow)
from integrity_tool.services import dossiers, users

_seq = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def nevenfunctie(omschrijving="Voorzitter", organisatie="Stichting Natuurbehoud", *, kvk=None, betaald=False,
                 bedrag=None, behouden=True, relatie=("geen",), qq=False) -> dict:
    item = {"omschrijving": omschrijving, "organisatie": organisatie, "betaald": betaald, "qq": qq,
            "relatie_overheid": list(relatie), "behouden": behouden}
    if kvk:
        item["kvk"] = kvk
    if betaald and bedrag:
        item["bedrag_per_jaar"] = bedrag
    if behouden:
        item["uren_per_maand"] = 4
    return item


def answers(*, nevenfuncties=(), ondernemingen=(), relaties=(), werkgever="Eigen praktijk") -> dict:
    out: dict = {"werkgever": werkgever, "functie": "Adviseur", "heeft_nevenfuncties": bool(nevenfuncties),
                 "heeft_ondernemingen": bool(ondernemingen)}
    if nevenfuncties:
        out["nevenfuncties"] = list(nevenfuncties)
    if ondernemingen:
        out["ondernemingen"] = [{"rechtsvorm": "bv", "belang_percentage": 100, "zaken_met_overheid": False, **o}
                                for o in ondernemingen]
    if relaties:
        out["familie_zaken_overheid"] = True
        out["relaties"] = [{"relatie": "partner", "aard": "doet_zaken", **r} for r in relaties]
    return out


def make_candidate(org: Organisation, name: str) -> User:
    user = users.new_user(org, f"kandidaat{next(_seq)}@example.nl", name, "candidate")
    db.session.commit()
    return user


def make_dossier(org: Organisation, name: str = "Anna de Vries", *, status: DossierStatus = DossierStatus.concept,
                 answers_: dict | None = None, reviewer: User | None = None, round_id: int | None = None,
                 result: AppointmentResult | None = None, decided: date | None = None,
                 deadline: date | None = None, function_title: str = "Wethouder",
                 questionnaire_id: str | None = None, progress: tuple[int, int] | None = None,
                 finding_counts: tuple[int, int, int] | None = None) -> Dossier:
    """A dossier in any state; a submitted one gets a Submission snapshot of ``answers_``."""
    from integrity_tool.services import runtime

    candidate = make_candidate(org, name)
    qid = questionnaire_id or next(q.id for q in runtime.catalog().for_kind(org.kind.value))
    d = dossiers.create_dossier(org, candidate, reviewer, qid, function_title=function_title, deadline=deadline,
                                round_id=round_id)
    d.status = status
    d.answers = answers_ or {}
    if progress:
        d.progress_done, d.progress_total = progress
    d.finding_counts = finding_counts
    if status != DossierStatus.concept:
        d.submitted_at = utcnow()
        db.session.add(Submission(dossier_id=d.id, number=1, questionnaire_id=d.questionnaire_id,
                                  questionnaire_version=d.questionnaire_version, questionnaire_hash=d.questionnaire_hash,
                                  payload={"answers": answers_ or {}, "findings": []}, declaration_name=name))
    if status == DossierStatus.afgerond:
        d.signed_off_at = utcnow()
    if status == DossierStatus.ingetrokken:
        d.withdrawn_at = utcnow()
    d.appointment_result = result
    d.appointment_decided_at = decided or (date.today() if result else None)
    db.session.commit()
    return d


def add_report(dossier: Dossier, kind: str = "samenvatting", content: bytes = PDF, number: str | None = None) -> Report:
    report = Report(dossier_id=dossier.id, kind=kind, document_number=number or f"RIS-2026-{next(_seq):05d}",
                    sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
                    created_at=datetime(2026, 3, 1, 12, 0))
    db.session.add(report)
    db.session.commit()
    return report
