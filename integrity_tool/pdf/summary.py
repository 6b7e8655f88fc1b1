"""The summary for the raad / Provinciale Staten / algemeen bestuur / Tweede Kamer.

Contains only what may be made public: no answers, no findings, nothing marked sensitive.
The renderer filters defensively (mentionable measures only) even if the caller already did.
"""
from __future__ import annotations

from reportlab.platypus import Spacer

from . import styles as S
from .data import ReportData
from .layout import DocMeta, Paragraph, SignatureReservation, badge, build, data_table, long_paragraphs, heading, key_value_table, table_heading, verify_text
from .i18n import _, language
from .text import esc, nl_date, nl_datetime, plain

W = S.CONTENT_WIDTH

_DEFAULT_BODY = {
    "gemeente": "gemeenteraad", "provincie": "Provinciale Staten",
    "waterschap": "algemeen bestuur", "kabinetsformatie": "Tweede Kamer",
}
# The article that makes secondary positions public; in English it keeps the Dutch name of the act.
NEVENFUNCTIE_BASIS_LABELS = {
    "gemeente": "artikel 41b Gemeentewet",
    "provincie": "artikel 40b Provinciewet",
    "waterschap": "artikel 44g Waterschapswet",
}


def render_summary(data: ReportData) -> bytes:
    """Render the public-facing summary in ``data.language``; returns PDF bytes (deterministic for equal input)."""
    with language(data.language):
        return _render(data)


def _render(data: ReportData) -> bytes:
    S.register_fonts()
    body = _(data.label("body", _DEFAULT_BODY.get(data.organisation_kind, "raad")))
    title = _(data.label("summary_title", "")) or _("Samenvatting voor de %(body)s", body=body)
    meta = DocMeta(
        title=f"{plain(title, 80)} – {plain(data.candidate_name, 80)}",
        subject=_("Samenvatting risicoanalyse integriteit, documentnummer %(number)s", number=data.document_number),
        author=data.organisation_name,
        document_number=data.document_number,
        header_left=data.organisation_name,
        header_right=f"{plain(title, 60)} – {_('risicoanalyse integriteit')}",
        confidential=False,
        created=data.signed_off_at,
    )
    kabinet = data.organisation_kind == "kabinetsformatie"
    function = data.function_title + (_(" – portefeuille %(portfolio)s", portfolio=data.portfolio)
                                      if data.portfolio else "")
    done = _("Ja. De risicoanalyse integriteit is afgerond en op %(date)s bekrachtigd door de %(reviewer)s.",
             date=nl_date(data.signed_off_at), reviewer=_(data.label('reviewer_title', 'beoordelaar')))
    pairs = [(_("Kandidaat"), data.candidate_name), (_("Beoogde functie"), function),
             (_("Risicoanalyse uitgevoerd"), done)]
    if data.gesprek_at:
        pairs.append((_("Gesprek gevoerd op"), nl_date(data.gesprek_at)))
    pairs.append((_("Documentnummer"), data.document_number))

    story = [
        heading(title, S.H1),
        Paragraph(_("Risicoanalyse integriteit") + (_(" – op hoofdlijnen") if kabinet else ""), S.COVER_SUB),
        Spacer(1, 6),
        key_value_table(pairs, 45 * S.mm, W - 45 * S.mm),
        heading(_("Uitkomst en conclusie"), S.H2),
        badge(_(data.outcome_label) if data.outcome_label else data.outcome, S.OUTCOME_COLOURS.get(data.outcome, S.NEUTRAL_BADGE)),
        Spacer(1, 6),
        *long_paragraphs(data.conclusion or "—", S.BODY),
        *table_heading(_("Afgesproken maatregelen"), S.H2),
    ]
    mentionable = [m for m in data.measures if m.mentionable is True]
    if mentionable:
        rows = [(Paragraph(f"<b>{esc(m.title)}</b>"
                           + ("<br/>" + _("Betreft: %(subject)s", subject=esc(m.subject)) if m.subject else ""), S.CELL),
                 _(m.owner_label) if m.owner_label else "—", nl_date(m.due_date) if m.due_date else _("doorlopend"))
                for m in mentionable]
        story.append(data_table((_("Maatregel"), _("Eigenaar"), _("Uiterlijk")), rows,
                                (W - 64 * S.mm, 36 * S.mm, 28 * S.mm)))
    else:
        story.append(Paragraph(_("Er zijn geen openbaar te vermelden maatregelen."), S.BODY))

    story += table_heading(_("Openbare nevenfuncties"), S.H2)
    basis = NEVENFUNCTIE_BASIS_LABELS.get(data.organisation_kind)
    if basis:
        story.append(Paragraph(_("Nevenfuncties die op grond van %(basis)s openbaar worden gemaakt.", basis=_(basis)),
                               S.MUTED_SMALL))
        story.append(Spacer(1, 3))
    if data.public_nevenfuncties:
        headers = data.public_nevenfunctie_headers or (_("Nevenfunctie"),)
        n = len(headers)
        story.append(data_table(headers, data.public_nevenfuncties, [W / n] * n))
    else:
        story.append(Paragraph(_("Geen."), S.BODY))

    story += [
        Spacer(1, 10),
        Paragraph(_("Deze samenvatting bevat uitsluitend de uitkomst van de risicoanalyse. De antwoorden "
                    "van de kandidaat en de onderliggende bevindingen zijn vertrouwelijk. Dit document is "
                    "digitaal ondertekend; opgesteld %(when)s.", when=esc(nl_datetime(data.signed_off_at))),
                  S.MUTED_SMALL),
        SignatureReservation(_("Digitale handtekening"), data.verify_url, verify_text(data)),
    ]
    return build(story, meta)
