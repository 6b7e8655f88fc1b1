"""History of a dossier: the audit timeline, and what changed in the answers between two submissions
(used after a clarification round and for a herbevestiging)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import AuditEvent, Dossier, Report, db
from ..questionnaire import display_value, fill_placeholders
from ..questionnaire.model import is_english

# Dutch descriptions of audit actions for the timeline (unknown actions are shown as-is).
ACTION_LABELS = {
    "dossier.aangemaakt": "Dossier aangemaakt",
    "dossier.ingediend": "Vragenlijst ingediend",
    "dossier.opnieuw_ingediend": "Vragenlijst opnieuw ingediend",
    "dossier.bekeken": "Dossier bekeken",
    "beoordeling.gestart": "Beoordeling gestart",
    "bevinding.beoordeeld": "Niveau van een bevinding aangepast",
    "opmerking.toegevoegd": "Opmerking toegevoegd",
    "toelichting.gevraagd": "Vraag om toelichting gesteld",
    "toelichting.beantwoord": "Toelichting gegeven",
    "gesprek.vastgelegd": "Gesprek vastgelegd",
    "gespreksleidraad.bekeken": "Gespreksleidraad geopend",
    "maatregel.voorgesteld": "Maatregel opgesteld",
    "maatregel.verwijderd": "Maatregel verwijderd",
    "maatregelen.voorgelegd": "Maatregelen voorgelegd aan de kandidaat",
    "maatregel.geaccepteerd": "Maatregel geaccepteerd door de kandidaat",
    "maatregel.gereageerd": "Kandidaat reageerde op een maatregel",
    "maatregel.uitgevoerd": "Maatregel uitgevoerd",
    "maatregel.herinnering": "Herinnering verstuurd",
    "conclusie.opgeslagen": "Conclusie opgeslagen",
    "dossier.afgerond": "Dossier afgerond en ondertekend",
    "afronden.mislukt": "Afronden mislukt (onjuiste code)",
    "rapport.gedownload": "Rapport gedownload",
    "rapport.engels_gemaakt": "Samenvatting ook in het Engels gemaakt en ondertekend",
    "aanvulling.toegevoegd": "Aanvulling toegevoegd",
    "herbevestiging.gestart": "Herbevestiging gestart",
    "dossier.herbevestigd": "Herbevestigd",
    "termijn.gestart": "Termijn gestart",
    "termijn.beeindigd": "Termijn beëindigd",
    "dossier.ingetrokken": "Dossier ingetrokken",
    "antwoorden.opgeslagen": "Antwoorden opgeslagen",
    "dossier.benoeming_vastgelegd": "Benoeming vastgelegd",
    "bewaartermijn.verwijderd": "Verwijderd na afloop van de bewaartermijn",
    "ronde.dossier_toegevoegd": "Dossier aan een ronde toegevoegd",
    "ronde.dossier_verwijderd": "Dossier uit een ronde gehaald",
    "uitnodiging.verstuurd": "Uitnodiging verstuurd",
    "uitnodiging.ingetrokken": "Uitnodiging ingetrokken",
    "account.geactiveerd": "Account geactiveerd",
    "export.audittrail_csv": "Auditlogboek geëxporteerd (CSV)",
    "export.overzicht_csv": "Overzicht geëxporteerd (CSV)",
    "export.overzicht_xlsx": "Overzicht geëxporteerd (XLSX)",
    "export.samenvattingen_zip": "Samenvattingen geëxporteerd (ZIP)",
    "gegevens.gedownload": "Eigen gegevens gedownload",
    "toegang.geweigerd": "Toegang geweigerd",
    "inloggen": "Ingelogd",
    "uitloggen": "Uitgelogd",
    "wachtwoord.gewijzigd": "Wachtwoord gewijzigd",
    "gebruiker.aangemaakt": "Gebruiker aangemaakt",
    "organisatie.aangemaakt": "Organisatie aangemaakt",
    "organisatie.instelling_gewijzigd": "Instelling van de organisatie gewijzigd",
    "ronde.aangemaakt": "Ronde aangemaakt",
    "ronde.gewijzigd": "Ronde gewijzigd",
    "relaties.geupload": "Relatiebestand geüpload",
}

# Details shown next to an event: the page that was viewed and the kind of report.
DETAIL_LABELS = {
    "dossier": "dossier",
    "wijzigingen": "wijzigingen",
    "gespreksleidraad": "gespreksleidraad",
    "maatregelen": "maatregelen",
    "tijdlijn": "tijdlijn",
    "vertrouwelijk": "vertrouwelijk",
    "samenvatting": "samenvatting",
    "kandidaat": "kopie kandidaat",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    actor: str
    action: str
    label: str
    detail: dict


def dossier_timeline(dossier: Dossier, limit: int = 1000) -> list[TimelineEntry]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier.id)
                                .order_by(AuditEvent.id.desc()).limit(limit))
    return [TimelineEntry(e.created_at, _actor_name(e.actor), e.action, ACTION_LABELS.get(e.action, e.action),
                          e.detail or {}) for e in events]


# What counts as someone looking at a candidate's personal data (shown to the candidate, AVG art. 15).
ACCESS_ACTIONS = ("dossier.bekeken", "gespreksleidraad.bekeken", "rapport.gedownload", "export.audittrail_csv")
# Exports of many dossiers at once: audited without a dossier, with the list of dossiers they held.
EXPORT_ACTIONS = ("export.overzicht_xlsx", "export.overzicht_csv", "export.samenvattingen_zip")
# How the candidate's inzage page names them (the staff timeline uses ACTION_LABELS).
ACCESS_LABELS = {
    "export.overzicht_xlsx": "Overzicht van dossiers gedownload (Excel), met uw dossier",
    "export.overzicht_csv": "Overzicht van dossiers gedownload (CSV), met uw dossier",
    "export.samenvattingen_zip": "Samenvattingen voor de raad gedownload (ZIP), met de uwe",
    "export.audittrail_csv": "Logboek van het dossier gedownload",
}


@dataclass(frozen=True)
class AccessLine:
    """One person on one day: what they looked at or downloaded, and how often."""

    day: object
    actor: str
    first: object
    last: object
    actions: tuple[tuple[str, int], ...]  # (Dutch label, count)


def _access_events(dossier: Dossier, limit: int) -> list[AuditEvent]:
    direct = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.dossier_id == dossier.id, AuditEvent.action.in_(ACCESS_ACTIONS),
                                 (AuditEvent.actor_id != dossier.candidate_id) | AuditEvent.actor_id.is_(None))
        .order_by(AuditEvent.id.desc()).limit(limit)))
    numbers = set(db.session.scalars(select(Report.document_number).where(Report.dossier_id == dossier.id)))
    exports = []
    for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.organisation_id == dossier.organisation_id, AuditEvent.action.in_(EXPORT_ACTIONS),
            AuditEvent.created_at >= dossier.created_at).order_by(AuditEvent.id.desc()).limit(limit)):
        detail = e.detail or {}
        if dossier.public_id in (detail.get("dossiers") or ()) or numbers & set(detail.get("documentnummers") or ()):
            exports.append(e)
    return sorted(direct + exports, key=lambda e: e.id, reverse=True)[:limit]


def access_log(dossier: Dossier, limit: int = 2000) -> list[AccessLine]:
    """Who else viewed, downloaded or exported this dossier's personal data: one line per person per
    day (a long review reads as one line), newest first."""
    groups: dict[tuple, dict] = {}
    for e in _access_events(dossier, limit):
        key = (e.created_at.date(), _actor_name(e.actor))
        group = groups.setdefault(key, {"first": e.created_at, "last": e.created_at, "actions": {}})
        group["first"] = min(group["first"], e.created_at)
        group["last"] = max(group["last"], e.created_at)
        label = ACCESS_LABELS.get(e.action) or ACTION_LABELS.get(e.action, e.action)
        group["actions"][label] = group["actions"].get(label, 0) + 1
    lines = [AccessLine(day, actor, g["first"], g["last"], tuple(g["actions"].items()))
             for (day, actor), g in groups.items()]
    return sorted(lines, key=lambda line: line.last, reverse=True)


def _actor_name(actor: str) -> str:
    """'Naam <e-mail> (rol)' -> 'Naam (rol)': the timeline need not repeat e-mail addresses."""
    if "<" in actor and ">" in actor:
        name, _, rest = actor.partition("<")
        _, _, role = rest.partition(">")
        return f"{name.strip()}{role}".strip()
    return actor


# --- answer diff ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerChange:
    label: str
    old: str
    new: str
    kind: str  # gewijzigd | toegevoegd | verwijderd
    item: str = ""  # e.g. "Nevenfunctie 2: Voorzitter bij Stichting X"
    question_id: str = ""


@dataclass
class SectionChanges:
    title: str
    changes: list[AnswerChange] = field(default_factory=list)


def _show(question, value, lang: str | None = None) -> str:
    if value is None or value == "" or value == []:
        return ""
    return display_value(question, value, lang)


def _kind(old: str, new: str) -> str:
    if not old:
        return "toegevoegd"
    if not new:
        return "verwijderd"
    return "gewijzigd"


def _item_title(repeat, item: dict, index: int, lang: str | None = None) -> str:
    label = repeat.localized_item_label(lang) or ""
    context = {}
    for sub in repeat.questions:
        if item.get(sub.id) not in (None, ""):
            context[sub.id] = _show(sub, item.get(sub.id), lang)
    text = fill_placeholders(label, context, lang=lang) if label else ""
    line = (f"{repeat.localized_label(lang)} – item {index + 1}" if is_english(lang)
            else f"{repeat.label} – regel {index + 1}")
    return line + (f": {text}" if text else "")


def _similarity(a: dict, b: dict) -> float:
    keys = set(a) | set(b)
    return sum(1 for k in keys if a.get(k) == b.get(k)) / len(keys) if keys else 1.0


def _pair_items(old: list, new: list) -> list[tuple[int | None, int | None]]:
    """Identical items match first (a deletion in the middle is one removal); then items that share
    most of their fields (an edited item); everything else is a removal or an addition."""
    pairs: list[tuple[int | None, int | None]] = []
    free_new = list(range(len(new)))
    unmatched_old = []
    for i, item in enumerate(old):
        j = next((j for j in free_new if new[j] == item), None)
        if j is None:
            unmatched_old.append(i)
        else:
            free_new.remove(j)
            pairs.append((i, j))
    for i in list(unmatched_old):
        scored = [(_similarity(old[i], new[j]), j) for j in free_new]
        best = max(scored, default=None)
        if best is not None and best[0] >= 0.5:
            free_new.remove(best[1])
            unmatched_old.remove(i)
            pairs.append((i, best[1]))
    pairs += [(i, None) for i in unmatched_old] + [(None, j) for j in free_new]
    return sorted(pairs, key=lambda p: (p[1] if p[1] is not None else 1 << 20, p[0] or 0))


def _repeat_changes(q, old_items, new_items, lang: str | None = None) -> list[AnswerChange]:
    old_items = [i for i in (old_items or []) if isinstance(i, dict)]
    new_items = [i for i in (new_items or []) if isinstance(i, dict)]
    changes = []
    for i, j in _pair_items(old_items, new_items):
        old = old_items[i] if i is not None else {}
        new = new_items[j] if j is not None else {}
        if old == new:
            continue
        title = _item_title(q, new if j is not None else old, j if j is not None else i, lang)
        if i is None or j is None:
            summary_old = "; ".join(f"{s.localized_label(lang)}: {_show(s, old.get(s.id), lang)}"
                                    for s in q.questions if _show(s, old.get(s.id)))
            summary_new = "; ".join(f"{s.localized_label(lang)}: {_show(s, new.get(s.id), lang)}"
                                    for s in q.questions if _show(s, new.get(s.id)))
            changes.append(AnswerChange(q.localized_label(lang), summary_old, summary_new,
                                        "toegevoegd" if i is None else "verwijderd", title, q.id))
            continue
        for sub in q.questions:
            a, b = _show(sub, old.get(sub.id), lang), _show(sub, new.get(sub.id), lang)
            if old.get(sub.id) != new.get(sub.id) and a != b:
                changes.append(AnswerChange(sub.localized_label(lang), a, b, _kind(a, b), title, f"{q.id}.{sub.id}"))
    return changes


def diff_answers(questionnaire, old: dict | None, new: dict | None, lang: str | None = None) -> list[SectionChanges]:
    """Per section, every question whose answer differs; repeat items compared field by field.
    Labels and values in ``lang`` (the questionnaire's own texts)."""
    old, new = old or {}, new or {}
    result = []
    if questionnaire is None:
        return result
    for section in questionnaire.sections:
        bucket = SectionChanges(section.localized_title(lang))
        for q in section.questions:
            a, b = old.get(q.id), new.get(q.id)
            if a == b:
                continue
            if q.type == "repeat":
                bucket.changes.extend(_repeat_changes(q, a if isinstance(a, list) else [],
                                                      b if isinstance(b, list) else [], lang))
                continue
            shown_a, shown_b = _show(q, a, lang), _show(q, b, lang)
            if shown_a != shown_b:
                bucket.changes.append(AnswerChange(q.localized_label(lang), shown_a, shown_b,
                                                   _kind(shown_a, shown_b), "", q.id))
        if bucket.changes:
            result.append(bucket)
    return result


def changed_question_ids(changes: list[SectionChanges]) -> set[str]:
    return {c.question_id.split(".")[0] for s in changes for c in s.changes}
