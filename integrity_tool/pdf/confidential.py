"""The confidential report (vertrouwelijk rapport) for reviewer and candidate."""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table, TableStyle

from ..vocabulary import LEVEL_LABELS
from . import styles as S
from .data import FindingView, ReportData
from .layout import (
    DocMeta, Paragraph, table_heading, url_lines, verify_text, SignatureReservation, TitleWithBadge, answer_paragraphs, badge, long_paragraphs, build, data_table, heading, key_value_table, QrFlowable,
)
from .i18n import _, language
from .text import esc, nl_date, nl_datetime, one_line, plain

W = S.CONTENT_WIDTH


def render_confidential(data: ReportData) -> bytes:
    """Render the confidential report in ``data.language``; returns PDF bytes (deterministic for equal input)."""
    with language(data.language):
        return _render(data)


def _render(data: ReportData) -> bytes:
    S.register_fonts()
    meta = DocMeta(
        title=_("Risicoanalyse integriteit – %(name)s (vertrouwelijk)", name=plain(data.candidate_name, 80)),
        subject=_("Vertrouwelijk rapport risicoanalyse integriteit, documentnummer %(number)s",
                  number=data.document_number),
        author=data.organisation_name,
        document_number=data.document_number,
        header_left=data.organisation_name,
        header_right=_("Risicoanalyse integriteit – %(name)s", name=plain(data.candidate_name, 60)),
        confidential=True,
        created=data.signed_off_at,
    )
    story = []
    story += _cover(data)
    story.append(PageBreak())
    story += _conclusion(data)
    story += _findings(data)
    story += _measures(data)
    story += _answers(data)
    story += _clarifications(data)
    story += _comments(data)
    story += _signatures(data)
    return build(story, meta)


def _cover(d: ReportData):
    qr = []
    if d.verify_url:
        qr_table = Table(
            [[QrFlowable(d.verify_url, 30 * S.mm),
              Paragraph(_("Controleer de echtheid van dit document: scan de QR-code of ga naar")
                        + url_lines(d.verify_url, W - 40 * S.mm, S.FONT_BOLD, S.MUTED_SMALL.fontSize),
                        S.MUTED_SMALL)]],
            colWidths=(34 * S.mm, W - 34 * S.mm), hAlign="LEFT",
        )
        qr_table.setStyle(TableStyle([S.TABLE_FONT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        qr = [Spacer(1, 14), qr_table]
    function = d.function_title + (_(" – portefeuille %(portfolio)s", portfolio=d.portfolio) if d.portfolio else "")
    pairs = [
        (_("Kandidaat"), d.candidate_name),
        (_("Beoogde functie"), function),
        (_("Organisatie"), d.organisation_name),
        (_("Vragenlijst"), _("%(title)s, versie %(version)s", title=d.questionnaire_title,
                             version=d.questionnaire_version)),
        (_("Inhoudshash vragenlijst"), f"sha256 {d.questionnaire_hash[:16]}…" if d.questionnaire_hash else "—"),
        (_("Ingediend"), nl_datetime(d.submitted_at)),
        (_("Gesprek"), nl_date(d.gesprek_at)),
        (_("Bekrachtigd"), nl_datetime(d.signed_off_at)),
        (_(d.label("reviewer_title", "beoordelaar")).capitalize(), d.reviewer_name),
        (_("Documentnummer"), d.document_number),
    ]
    notice = Paragraph(_(
        "<b>VERTROUWELIJK.</b> Dit rapport bevat persoonsgegevens, waaronder mogelijk gegevens van "
        "strafrechtelijke aard. Het is uitsluitend bestemd voor de kandidaat en de %(reviewer)s. "
        "Verspreiding, kopiëren of gebruik voor een ander doel is niet toegestaan.",
        reviewer=esc(_(d.label('reviewer_title', 'beoordelaar')))), S.BODY_SMALL)
    box = Table([[notice]], colWidths=(W,))
    box.setStyle(TableStyle([S.TABLE_FONT, ("BOX", (0, 0), (-1, -1), 0.8, S.CONFIDENTIAL),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                             ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return [
        Spacer(1, 28),
        Paragraph(esc(d.organisation_name), S.COVER_ORG),
        Spacer(1, 26),
        Paragraph(_("Risicoanalyse integriteit"), S.COVER_TITLE),
        Paragraph(_("Vertrouwelijk rapport"), S.COVER_SUB),
        Spacer(1, 22),
        key_value_table(pairs, 48 * S.mm, W - 48 * S.mm),
        Spacer(1, 22),
        box,
        *qr,
    ]


def _outcome_badge(d: ReportData):
    return badge(_(d.outcome_label) if d.outcome_label else d.outcome, S.OUTCOME_COLOURS.get(d.outcome, S.NEUTRAL_BADGE))


def _conclusion(d: ReportData):
    out = [heading(_("1. Conclusie"), S.H1), Paragraph(_("Uitkomst"), S.LABEL), Spacer(1, 2),
           _outcome_badge(d), Spacer(1, 6), *long_paragraphs(d.conclusion or "—", S.BODY)]
    if d.gesprek_at or d.gesprek_participants or d.gesprek_notes:
        out.append(heading(_("Gesprek"), S.H2, level=1))
        out.append(key_value_table(
            [(_("Datum"), nl_date(d.gesprek_at)), (_("Deelnemers"), d.gesprek_participants or "—")],
            40 * S.mm, W - 40 * S.mm, S.LABEL, S.BODY))
        if d.gesprek_notes:
            out += [Paragraph(_("Verslag"), S.LABEL), *long_paragraphs(d.gesprek_notes, S.BODY)]
    return out


def _level_badge(level: str | None, muted: bool = False):
    colour = S.NEUTRAL_BADGE if muted else S.LEVEL_COLOURS.get(level or "", S.NEUTRAL_BADGE)
    label = _(LEVEL_LABELS.get(level or "", level or "—")) + (_(" – vervallen") if muted else "")
    return badge(label, colour, "RIGHT")


def _finding(i: int, f: FindingView, reviewer_title: str = "beoordelaar"):
    head = TitleWithBadge(f"{i}. {esc(f.theme_title)}", S.H3_FINDING, _level_badge(f.level, f.dismissed),
                          one_line(f"{i}. {f.theme_title}", 100), 1)
    out = [head, Spacer(1, 3)]
    if f.dismissed:
        out.append(Paragraph(_("<i>Vervallen na beoordeling: deze bevinding telt niet mee in de conclusie.</i>"),
                             S.BODY_SMALL))
    if f.original_level and f.original_level != f.level:
        old = _(LEVEL_LABELS.get(f.original_level, f.original_level))
        new = _(LEVEL_LABELS.get(f.level, f.level))
        out.append(Paragraph(_("<b>Niveau gewijzigd</b> door de %(reviewer)s: van %(old)s naar %(new)s.",
                               reviewer=esc(_(reviewer_title)), old=esc(old), new=esc(new)), S.BODY_SMALL))
        if f.level_justification:
            out.append(Paragraph(_("<b>Motivering:</b> %(text)s", text=esc(f.level_justification)), S.BODY_SMALL))
    if f.explanation:
        out += long_paragraphs(f.explanation, S.BODY)
    if f.details:
        out.append(Paragraph(_("Over hetzelfde feit (samengevoegd tot één bevinding)"), S.LABEL))
        for detail in f.details:
            out += long_paragraphs(f"– {detail}", S.BODY_SMALL)
    for question, answer, fact in f.contradictions:
        out.append(Paragraph(_("<b>Tegenstrijdig.</b> De kandidaat antwoordde: %(question)s <b>%(answer)s</b>. "
                               "De feiten: %(fact)s", question=esc(question), answer=esc(answer), fact=esc(fact)),
                             S.BODY_SMALL))
    if f.legal:
        label = _("Grondslagen") if "; " in f.legal else _("Grondslag")
        out.append(Paragraph(f"<b>{esc(label)}:</b> {esc(f.legal)}", S.MUTED_SMALL))
    if f.answers:
        out.append(Paragraph(_("Relevante antwoorden"), S.LABEL))
        for label, value in f.answers:
            # a question (or a label ending in an instruction sentence) needs no colon after it
            sep = "" if label.rstrip().endswith(("?", ":", ".")) else ":"
            out.append(Paragraph(f"{esc(label)}{sep} <b>{esc(value)}</b>", S.BODY_SMALL))
    for c in f.comments:
        out.append(Paragraph(f"<b>{esc(c.author)}</b>, {esc(nl_datetime(c.at))}: {esc(c.body)}", S.BODY_SMALL))
    out.append(Spacer(1, 8))
    return out


def _findings(d: ReportData):
    out = [heading(_("2. Bevindingen per thema"), S.H1)]
    if not d.findings:
        return out + [Paragraph(_("Er zijn geen bevindingen."), S.BODY)]
    for i, f in enumerate(d.findings, 1):
        out += _finding(i, f, d.label("reviewer_title", "beoordelaar"))
    return out


def _measures(d: ReportData):
    out = table_heading(_("3. Beheersmaatregelen"), S.H1, room=60 * S.mm)
    if not d.measures:
        return out + [Paragraph(_("Er zijn geen beheersmaatregelen afgesproken."), S.BODY)]
    rows = []
    for i, m in enumerate(d.measures, 1):
        title = Paragraph(f"<b>{esc(m.title)}</b>"
                          + ("<br/>" + _("Betreft: %(subject)s", subject=esc(m.subject)) if m.subject else "")
                          + (f"<br/>{esc(m.description)}" if m.description else ""), S.CELL)
        rows.append((str(i), title, _(m.owner_label) if m.owner_label else "—",
                     nl_date(m.due_date) if m.due_date else _("doorlopend"),
                     _(m.status_label) if m.status_label else "—", _("ja") if m.mentionable else _("nee")))
    widths = (7 * S.mm, W - 101 * S.mm, 26 * S.mm, 23 * S.mm, 24 * S.mm, 21 * S.mm)
    out.append(data_table(("#", _("Maatregel"), _("Eigenaar"), _("Uiterlijk"), _("Status"), _("Openbaar")),
                          rows, widths))
    return out


def _answers(d: ReportData):
    # a new page only when little room is left: no nearly empty page before the answers
    out = [CondPageBreak(45 * S.mm), heading(_("4. Antwoorden"), S.H1)]
    for si, sec in enumerate(d.sections, 1):
        out.append(heading(f"4.{si} {sec.title}", S.H2, level=1))
        for row in sec.rows:
            out += answer_paragraphs(row.label, row.value)
        for rep in sec.repeats:
            title = Paragraph(esc(rep.title), S.H3)
            if rep.rows:
                title.keepWithNext = 0  # see table_heading: a long table may start on this page
                out.append(CondPageBreak(30 * S.mm))
            out.append(title)
            if not rep.rows:
                out.append(Paragraph(_("Geen."), S.BODY_SMALL))
                continue
            n = max(len(rep.headers), 1)
            out.append(data_table(rep.headers, rep.rows, [W / n] * n))
            out.append(Spacer(1, 6))
    if not d.sections:
        out.append(Paragraph(_("Geen antwoorden."), S.BODY))
    return out


def _clarifications(d: ReportData):
    if not d.clarifications:
        return []
    out = [heading(_("5. Verduidelijkingsvragen"), S.H1)]
    for i, c in enumerate(d.clarifications, 1):
        out.append(Paragraph(_("Vraag %(n)s – gesteld %(when)s", n=i, when=esc(nl_datetime(c.asked_at))), S.LABEL))
        out += long_paragraphs(c.question, S.BODY)
        when = nl_datetime(c.answered_at) if c.answered_at else _("nog niet beantwoord")
        out.append(Paragraph(_("Antwoord – %(when)s", when=esc(when)), S.LABEL))
        out += long_paragraphs(c.answer or "—", S.BODY)
    return out


def _comments(d: ReportData):
    if not d.comments:
        return []
    out = [heading(_("6. Opmerkingen"), S.H1)]
    for c in d.comments:
        out.append(Paragraph(_("%(author)s – %(when)s – bij %(target)s", author=esc(c.author),
                               when=esc(nl_datetime(c.at)), target=esc(_(c.target_label))), S.LABEL))
        out += long_paragraphs(c.body, S.BODY)
    return out


def _signatures(d: ReportData):
    reviewer_title = _(d.label("reviewer_title", "beoordelaar"))
    decl = _("%(name)s heeft op %(when)s verklaard de vragenlijst volledig en naar waarheid te hebben ingevuld.",
             name=esc(d.declaration_name or d.candidate_name), when=esc(nl_datetime(d.declaration_at)))
    signoff = _("De %(reviewer)s, %(name)s, heeft de risicoanalyse op %(when)s afgerond en dit rapport bekrachtigd.",
                reviewer=esc(reviewer_title), name=esc(d.reviewer_name), when=esc(nl_datetime(d.signed_off_at)))
    return [
        CondPageBreak(95 * S.mm),
        heading(_("7. Ondertekening"), S.H1),
        Paragraph(_("Verklaring van de kandidaat"), S.LABEL), Paragraph(decl, S.BODY),
        Paragraph(_("Bekrachtiging door de %(reviewer)s", reviewer=esc(reviewer_title)), S.LABEL),
        Paragraph(signoff, S.BODY),
        Paragraph(_("Dit document is digitaal ondertekend (PAdES). Wijzigingen na ondertekening maken de "
                    "handtekening ongeldig."), S.MUTED_SMALL),
        SignatureReservation(_("Digitale handtekening"), d.verify_url, verify_text(d)),
    ]
