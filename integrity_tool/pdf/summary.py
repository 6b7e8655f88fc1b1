"""The summary for the raad / Provinciale Staten / algemeen bestuur / Tweede Kamer.

Contains only what may be made public: no answers, no findings, nothing marked sensitive.
The renderer filters defensively (mentionable measures only) even if the caller already did.
"""
from __future__ import annotations

from reportlab.platypus import Spacer

from . import styles as S
from .data import ReportData
from .layout import DocMeta, Paragraph, SignatureReservation, badge, build, data_table, long_paragraphs, heading, key_value_table, table_heading, verify_text
from .text import esc, nl_date, nl_datetime, plain

W = S.CONTENT_WIDTH

_DEFAULT_BODY = {
    "gemeente": "gemeenteraad", "provincie": "Provinciale Staten",
    "waterschap": "algemeen bestuur", "kabinetsformatie": "Tweede Kamer",
}
_NEVENFUNCTIE_BASIS = {
    "gemeente": "artikel 41b Gemeentewet",
    "provincie": "artikel 40b Provinciewet",
    "waterschap": "artikel 44g Waterschapswet",
}


def render_summary(data: ReportData) -> bytes:
    """Render the public-facing summary; returns PDF bytes (deterministic for equal input)."""
    S.register_fonts()
    body = data.label("body", _DEFAULT_BODY.get(data.organisation_kind, "raad"))
    title = data.label("summary_title", f"Samenvatting voor de {body}")
    meta = DocMeta(
        title=f"{plain(title, 80)} – {plain(data.candidate_name, 80)}",
        subject=f"Samenvatting risicoanalyse integriteit, documentnummer {data.document_number}",
        author=data.organisation_name,
        document_number=data.document_number,
        header_left=data.organisation_name,
        header_right=f"{plain(title, 60)} – risicoanalyse integriteit",
        confidential=False,
        created=data.signed_off_at,
    )
    kabinet = data.organisation_kind == "kabinetsformatie"
    function = data.function_title + (f" – portefeuille {data.portfolio}" if data.portfolio else "")
    done = (f"Ja. De risicoanalyse integriteit is afgerond en op {nl_date(data.signed_off_at)} "
            f"bekrachtigd door de {data.label('reviewer_title', 'beoordelaar')}.")
    pairs = [("Kandidaat", data.candidate_name), ("Beoogde functie", function),
             ("Risicoanalyse uitgevoerd", done)]
    if data.gesprek_at:
        pairs.append(("Gesprek gevoerd op", nl_date(data.gesprek_at)))
    pairs.append(("Documentnummer", data.document_number))

    story = [
        heading(title, S.H1),
        Paragraph("Risicoanalyse integriteit" + (" – op hoofdlijnen" if kabinet else ""), S.COVER_SUB),
        Spacer(1, 6),
        key_value_table(pairs, 45 * S.mm, W - 45 * S.mm),
        heading("Uitkomst en conclusie", S.H2),
        badge(data.outcome_label or data.outcome, S.OUTCOME_COLOURS.get(data.outcome, S.NEUTRAL_BADGE)),
        Spacer(1, 6),
        *long_paragraphs(data.conclusion or "—", S.BODY),
        *table_heading("Afgesproken maatregelen", S.H2),
    ]
    mentionable = [m for m in data.measures if m.mentionable is True]
    if mentionable:
        rows = [(Paragraph(f"<b>{esc(m.title)}</b>" + (f"<br/>Betreft: {esc(m.subject)}" if m.subject else ""), S.CELL),
                 m.owner_label or "—", nl_date(m.due_date) if m.due_date else "doorlopend") for m in mentionable]
        story.append(data_table(("Maatregel", "Eigenaar", "Uiterlijk"), rows,
                                (W - 64 * S.mm, 36 * S.mm, 28 * S.mm)))
    else:
        story.append(Paragraph("Er zijn geen openbaar te vermelden maatregelen.", S.BODY))

    story += table_heading("Openbare nevenfuncties", S.H2)
    basis = _NEVENFUNCTIE_BASIS.get(data.organisation_kind)
    if basis:
        story.append(Paragraph(f"Nevenfuncties die op grond van {basis} openbaar worden gemaakt.", S.MUTED_SMALL))
        story.append(Spacer(1, 3))
    if data.public_nevenfuncties:
        headers = data.public_nevenfunctie_headers or ("Nevenfunctie",)
        n = len(headers)
        story.append(data_table(headers, data.public_nevenfuncties, [W / n] * n))
    else:
        story.append(Paragraph("Geen.", S.BODY))

    story += [
        Spacer(1, 10),
        Paragraph("Deze samenvatting bevat uitsluitend de uitkomst van de risicoanalyse. De antwoorden "
                  "van de kandidaat en de onderliggende bevindingen zijn vertrouwelijk. Dit document is "
                  f"digitaal ondertekend; opgesteld {esc(nl_datetime(data.signed_off_at))}.", S.MUTED_SMALL),
        SignatureReservation("Digitale handtekening", data.verify_url, verify_text(data)),
    ]
    return build(story, meta)
