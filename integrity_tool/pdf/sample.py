"""Fixture builder for tests, benchmarks and previews: ``sample_report_data(heavy, hostile)``."""
from __future__ import annotations

from datetime import date, datetime, timezone

from ..vocabulary import Level
from . import styles as S
from .data import (
    AnswerRow, ClarificationView, CommentView, FindingView, MeasureView, RepeatTable, ReportData,
    SectionView,
)

LONG_WORD = "Aansprakelijkheidsverzekeringsmaatschappijbestuursvergaderingsnotulen" * 12
HOSTILE_STRINGS = (
    "Jansen & Zn. <b>niet vet</b> a < b > c",
    '<img src="http://127.0.0.1:9/x">',
    "<font color=\"[[[getattr(pow,Word('__globals__'))]]]\">exploit</font>",
    "]]> <![CDATA[ x ]]> &amp; &#x41; &nbsp;",
    "ctrl:\x00\x01\x07\x1b[31m\x7f\x85 einde",
    "emoji: 😀🏛️👩‍⚖️ einde",
    "RTL: مرحبا بالعالم – שלום עולם \u202eevil\u202c einde",
    "lange regel: " + LONG_WORD,
    "IJsselmeer ĳs Ĳmuiden € 1.234,56 – “citaat” café naïef coördinatie",
)
HUGE_TEXT = ("Dit is een zeer lang antwoord met details over nevenwerkzaamheden & belangen. " * 260)[:20000]

LONG_ANSWER = (
    "Wij hebben een eigen woning met een hypotheek van € 312.000 bij een reguliere bank. "
    "Daarnaast bezit ik 15 % van de aandelen in het familiebedrijf (bouw & onderhoud), dat "
    "incidenteel opdrachten uitvoert voor woningcorporaties in de regio. Ik ontvang geen dividend "
    "en ben niet betrokken bij de dagelijkse leiding. Mijn partner is zzp'er in de zorg.\n\n"
) * 4
_TZ = timezone.utc

_NEVENFUNCTIE_NAMES = (
    "Voorzitter Stichting Dorpshuis De Linde", "Lid raad van toezicht Zorggroep Oost",
    "Penningmeester Voetbalvereniging SV Vooruit", "Bestuurslid Historische Kring",
    "Lid adviesraad Regionale Energiestrategie", "Vrijwilliger Voedselbank", "Secretaris Oranjevereniging",
    "Docent (0,2 fte) Hogeschool Windesheim", "Lid kerkenraad Protestantse Gemeente",
    "Commissaris Woningcorporatie Thuisbaas",
)


def _dt(y, m, d, h=10, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=_TZ)


def sample_report_data(heavy: bool = False, hostile: bool = False) -> ReportData:
    n_nf = 25 if heavy else 3
    n_ond = 15 if heavy else 2
    n_find = 30 if heavy else 3
    n_meas = 20 if heavy else 3
    n_comm = 5 if heavy else 1
    h = HOSTILE_STRINGS if hostile else ()

    def hv(i: int, default: str) -> str:
        return h[i % len(h)] if h else default

    nevenfuncties = tuple(
        (_NEVENFUNCTIE_NAMES[i % len(_NEVENFUNCTIE_NAMES)] + (f" ({i + 1})" if i >= 10 else ""),
         "onbezoldigd" if i % 3 else "€ 2.400 per jaar", "ja" if i % 4 != 1 else "nee",
         hv(i, "Blijft aan na benoeming") if i % 2 == 0 else "Wordt neergelegd")
        for i in range(n_nf)
    )
    ondernemingen = tuple(
        (f"Bouwbedrijf Van den Berg {i + 1} B.V.", f"{10000000 + i * 7919:08d}", f"{(i * 7) % 60 + 5} %",
         hv(i + 3, "Aandelen in privébezit; geen zakelijke relatie met de gemeente"))
        for i in range(n_ond)
    )
    sections = (
        SectionView(
            title="Persoonlijke gegevens en VOG",
            rows=(
                AnswerRow("Naam zoals in het paspoort", hv(0, "Anna Maria de Vries-Ëmmerik")),
                AnswerRow("Is een Verklaring Omtrent het Gedrag aangevraagd?", "Ja, aangevraagd op 2 maart 2026"),
                AnswerRow("Bent u ooit veroordeeld voor een misdrijf?", "Nee"),
            ),
        ),
        SectionView(
            title="Nevenfuncties",
            rows=(AnswerRow("Toelichting", hv(1, "Ik leg twee bezoldigde functies neer voor de benoeming.")),),
            repeats=(RepeatTable("Nevenfuncties", ("Functie", "Bezoldiging", "Openbaar", "Na benoeming"),
                                 nevenfuncties),),
        ),
        SectionView(
            title="Financiële belangen",
            rows=(
                AnswerRow("Heeft u schulden boven € 10.000 (exclusief hypotheek)?", "Nee"),
                AnswerRow("Toelichting financiële situatie", HUGE_TEXT if hostile else
                          LONG_ANSWER if heavy else
                          "Eigen woning met hypotheek bij een reguliere bank; geen andere schulden."),
            ),
            repeats=(RepeatTable("Ondernemingen en belangen", ("Onderneming", "KvK", "Belang", "Toelichting"),
                                 ondernemingen),),
        ),
        SectionView(
            title="Relaties en familie",
            rows=(
                AnswerRow("Zijn familieleden werkzaam bij de gemeente?", "Ja, een zwager bij de afdeling Ruimte"),
                AnswerRow("Toelichting", hv(2, "Mijn zwager werkt als beleidsmedewerker ruimtelijke ordening.")),
            ),
        ),
        SectionView(
            title="Gedrag en uitlatingen",
            rows=tuple(AnswerRow(f"Vraag {i + 1}: is er iets dat u wilt melden over {t}?", hv(i + 4, LONG_ANSWER[: 500 + 300 * i] if heavy else "Nee"))
                       for i, t in enumerate(("sociale media", "lopende procedures", "eerdere functies",
                                              "giften en geschenken", "reizen op uitnodiging"))),
        ),
    )
    levels = tuple(Level)
    themes = ("Nevenfuncties", "Financiële belangen", "Familierelaties", "Zakelijke relaties",
              "Gedrag op sociale media", "Vastgoed in de gemeente")
    findings = tuple(
        FindingView(
            theme_title=f"{themes[i % len(themes)]}" + (f" ({i // len(themes) + 1})" if i >= len(themes) else ""),
            level=levels[(i + 1) % 3],
            original_level=levels[i % 3] if i % 5 == 2 else None,
            level_justification=hv(i, "Na het gesprek blijkt het belang kleiner dan gemeld.") if i % 5 == 2 else None,
            dismissed=(i % 7 == 6),
            explanation=hv(i + 1, "De kandidaat is commissaris bij een woningcorporatie die prestatieafspraken "
                                  "maakt met de gemeente. Dat kan schijn van belangenverstrengeling geven."),
            legal="Artikel 41b en 15 Gemeentewet; Gedragscode integriteit college",
            answers=(("Nevenfunctie", "Commissaris Woningcorporatie Thuisbaas"), ("Bezoldigd", "Ja")),
            comments=(CommentView("B. Bakker", _dt(2026, 3, 20, 14, 5), "bevinding", hv(i + 2, "Besproken in het gesprek.")),)
            if i % 4 == 0 else (),
        )
        for i in range(n_find)
    )
    measures = tuple(
        MeasureView(
            title=hv(i, f"Neerleggen commissariaat woningcorporatie ({i + 1})"),
            description="Uiterlijk op de dag van benoeming; schriftelijke bevestiging aan de griffie.",
            owner_label="kandidaat" if i % 2 else "griffier",
            due_date=date(2026, 4, 1 + i % 28),
            mentionable=(i % 2 == 0),
            status_label="geaccepteerd",
            accepted_at=_dt(2026, 3, 22),
        )
        for i in range(n_meas)
    )
    comments = tuple(
        CommentView("B. Bakker" if i % 2 == 0 else "A. de Vries", _dt(2026, 3, 18 + i, 9, 30),
                    "Financiële belangen", hv(i, "Graag toelichting op het aandelenbelang. " * (40 if heavy else 2)))
        for i in range(n_comm)
    )
    clarifications = (
        ClarificationView(_dt(2026, 3, 15), hv(5, "Kunt u de omvang van uw aandelenbelang toelichten?"),
                          _dt(2026, 3, 16, 18, 45), hv(6, "Het betreft 15 % van de aandelen; ik verkoop deze.")),
        ClarificationView(_dt(2026, 3, 19), "Wanneer legt u het commissariaat neer?", None, ""),
    )
    return ReportData(
        document_number="RI-2026-000042-V",
        organisation_name="Gemeente Súdwest-Fryslân",
        organisation_kind="gemeente",
        labels={"reviewer_title": "burgemeester", "body": "gemeenteraad",
                "summary_title": "Samenvatting voor de gemeenteraad"},
        candidate_name=hv(0, "Anna de Vries") if hostile else "Anna de Vries",
        function_title="wethouder",
        portfolio=hv(1, "Financiën, Wonen en Ruimtelijke ordening") if hostile else "Financiën, Wonen en Ruimtelijke ordening",
        questionnaire_title="Vragenlijst risicoanalyse integriteit kandidaat-wethouders",
        questionnaire_version="2026.1",
        questionnaire_hash="9f2c4a1be0d3c7aa51e2f0b7c3d96e1f5a0b8c2d4e6f8091a2b3c4d5e6f70812",
        submitted_at=_dt(2026, 3, 14, 16, 12),
        gesprek_at=date(2026, 3, 20),
        signed_off_at=_dt(2026, 3, 24, 11, 30),
        reviewer_name="Bert Bakker",
        outcome="beheersbaar_met_afspraken",
        outcome_label="Risico's beheersbaar met afspraken",
        conclusion=hv(3, "Er zijn risico's vastgesteld die met de afgesproken maatregelen beheersbaar zijn. "
                         "De kandidaat legt het commissariaat bij de woningcorporatie neer en meldt het "
                         "aandelenbelang bij de griffie. Er zijn geen beletselen voor benoeming."),
        findings=findings,
        measures=measures,
        sections=sections,
        clarifications=clarifications,
        comments=comments,
        declaration_name="Anna de Vries",
        declaration_at=_dt(2026, 3, 14, 16, 12),
        gesprek_participants="Bert Bakker (burgemeester), Anna de Vries (kandidaat), C. Claassen (griffier)",
        gesprek_notes=hv(4, "Het gesprek vond plaats op het gemeentehuis. De kandidaat gaf openheid over alle belangen."),
        public_nevenfuncties=tuple((r[0], r[1]) for r in nevenfuncties if r[2] == "ja"),
        public_nevenfunctie_headers=("Nevenfunctie", "Bezoldiging"),
        verify_url="https://integriteit.example.nl/verificatie?nr=RI-2026-000042-V",
        language="nl",
    )
