"""Merged fact findings reach the reviewer's page, the confidential PDF's view-model, and the counts the
griffie overview and exports show (issue 12: one fact, one finding; contradictions side by side)."""
from types import SimpleNamespace

from integrity_tool.models import db
from integrity_tool.services import profile, snapshot
from integrity_tool.services.reports import build_report_data
from tests.conftest import login
from tests.factories import submit_answers


PROFILE = {"aliassen": "", "kvk": "", "verbonden_partijen": "", "gebied": "Oosterhout",
           "portefeuilles": "Ruimtelijke ordening en wonen: ruimtelijke ordening, bouw en wonen"}


def _answers(org_name):
    return {
        "werkgever": org_name, "onverenigbare_functie": False, "levert_aan_overheid": False,
        "portefeuilles": ["Ruimtelijke ordening en wonen"], "belangen_in_portefeuille": False,
        "heeft_ondernemingen": True,
        "ondernemingen": [{"naam": "Bouwbedrijf Jansen", "rechtsvorm": "eenmanszaak", "belang_percentage": 100,
                           "sector": "bouw_wonen", "zaken_met_overheid": True}],
        "heeft_onroerend_goed": True,
        "onroerend_goed": [{"omschrijving": "Weiland", "ligging": "Oosterhout", "gebruik": "agrarisch",
                            "in_gebied": False, "verhuurd": False}],
    }


def test_reviewer_sees_merged_findings_and_contradictions(app, make_user, make_dossier):
    world = make_dossier.world("concept")
    profile.save(make_user("admin", world.org), world.org, profile.parse_form(PROFILE))
    sub = submit_answers(world.dossier, _answers(world.org.name))  # the engine with profile + relations
    result = SimpleNamespace(findings=snapshot.submission_findings(sub), counts=sub.payload["findings"]["counts"])
    # employer = organisation (blokkerend), the company (blokkerend: supplies + portfolio overlap + own rule),
    # the field in the territory (hoog): three facts, three findings.
    assert [(f.risk_id, f.level) for f in result.findings] == [
        ("feit_werkgever_organisatie", "blokkerend"), ("feit_onderneming_levert", "blokkerend"),
        ("feit_vastgoed_in_gebied", "hoog")]
    assert result.counts == {"blokkerend": 2, "hoog": 1, "aandachtspunt": 0}
    client = app.test_client()
    login(client, world.reviewer)
    html = client.get(f"/beoordeling/dossier/{world.dossier.public_id}").get_data(as_text=True)
    assert "Tegenstrijdig: het eigen oordeel van de kandidaat en de feiten" in html
    assert f"Werkgever {world.org.name} is {world.org.name} zelf." in html
    assert "Over hetzelfde feit (samengevoegd tot één bevinding):" in html
    assert "Grondslagen:" in html and "Gemeentewet art. 41c lid 1 jo. art. 15 lid 1" in html
    assert html.count('class="finding finding-') == 3

    data = build_report_data(world.dossier, "vertrouwelijk")
    assert len(data.findings) == 3
    company = data.findings[1]
    assert company.details and any("Ruimtelijke ordening en wonen" in d for d in company.details)
    assert data.findings[0].contradictions[0][1] == "Nee"
    db.session.refresh(world.dossier)
    assert tuple(world.dossier.finding_counts) == (2, 1, 0)  # what the griffie overview and exports count


def test_fact_findings_in_english_for_an_english_reader(app, make_user, make_dossier):
    """Fact-rule texts are written in the reader's language from references stored with the finding, like the
    questionnaire's own rule texts; the stored (signed) Dutch stays as it was."""
    import io

    from pypdf import PdfReader

    from integrity_tool.pdf import render_confidential

    world = make_dossier.world("concept")
    profile.save(make_user("admin", world.org), world.org, profile.parse_form(PROFILE))
    sub = submit_answers(world.dossier, _answers(world.org.name))
    dutch = snapshot.submission_findings(sub)
    english = snapshot.submission_findings(sub, "en")
    assert [f.key for f in english] == [f.key for f in dutch] and [f.level for f in english] == [f.level for f in dutch]
    employer, company, field = english
    assert employer.explanation == (f"The employer ({world.org.name}) is {world.org.name} itself. As alderman, the "
                                    f"candidate cannot also be employed by their own organisation; the employment "
                                    f"must end before the appointment.")
    assert employer.ask.startswith("You answered that you hold no incompatible position")
    assert employer.contradictions[0][1] == "No" and employer.contradictions[0][2] == \
        f"Employer {world.org.name} is {world.org.name} itself."
    assert company.explanation.startswith("Company Bouwbedrijf Jansen is the candidate's own business (Sole "
                                          "proprietorship)")
    assert any("The intended portfolio touches an interest of your own" in d for d in company.details)
    assert ("Company name", "Bouwbedrijf Jansen") in company.answers
    assert field.explanation.startswith("Property (Weiland, Oosterhout) lies in the area of")
    assert dutch[0].explanation.startswith("De werkgever")  # the stored snapshot is untouched
    assert sub.payload["findings"]["findings"][0]["explanation"].startswith("De werkgever")

    world.reviewer.language = "en"
    db.session.commit()
    client = app.test_client()
    login(client, world.reviewer)
    html = client.get(f"/beoordeling/dossier/{world.dossier.public_id}").get_data(as_text=True)
    assert f"Employer {world.org.name} is {world.org.name} itself." in html
    assert "The intended portfolio touches an interest of your own" in html
    assert "De werkgever (" not in html and "De beoogde portefeuille" not in html

    data = build_report_data(world.dossier, "vertrouwelijk", "en")
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(render_confidential(data))).pages)
    text = " ".join(text.split())
    assert "is the candidate's own business" in text and "lies in the area of" in text
    assert "De werkgever" not in text and "Onroerend goed (" not in text


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _page_counts(client, dossier) -> dict[str, int]:
    import re

    html = client.get(f"/beoordeling/dossier/{dossier.public_id}").get_data(as_text=True)
    return {level: int(n) for level, n in re.findall(r'badge-(blokkerend|hoog|aandachtspunt)">(\d+) ', html)}


def _export_counts(client, public_id) -> tuple[dict, list]:
    import csv
    import io

    from openpyxl import load_workbook

    rows = list(csv.reader(io.StringIO(client.get("/griffie/export.csv").data.decode("utf-8-sig"))))
    header, row = rows[0], next(r for r in rows[1:] if public_id in r)
    sheet = load_workbook(io.BytesIO(client.get("/griffie/export.xlsx").data)).active
    xrow = next(r for r in ([c.value for c in r] for r in sheet.iter_rows()) if public_id in r)
    assert header[-3:] == ["Blokkerend", "Hoog risico", "Aandachtspunt"]
    return dict(zip(("blokkerend", "hoog", "aandachtspunt"), map(int, row[-3:]))), xrow[-3:]


def test_counts_agree_on_page_pdfs_and_export_for_merged_findings(app, make_user, make_dossier):
    """One fact, one finding everywhere. Submitted: the reviewer's badges and the griffie's CSV and XLSX count the
    same three facts (2 blokkerend, 1 hoog; the engine made more findings, merged per fact). Signed off after the
    reviewer lowered both blocking findings: the badges and the findings in the signed confidential report agree
    (3 hoog); the exports keep the counts at submission (documented: Dossier.count_*), the same three facts.
    The raad summary shows no findings or counts at all (only the outcome and the public measures)."""
    import re

    from integrity_tool.services import reports
    from tests.factories import advance

    world = make_dossier.world("concept")
    world.org.griffier_sees_confidential = True
    profile.save(make_user("admin", world.org), world.org, profile.parse_form(PROFILE))
    submitted = {"blokkerend": 2, "hoog": 1, "aandachtspunt": 0}
    advance(world.dossier, "ingediend", answers=_answers(world.org.name))
    sub = snapshot.latest_submission(world.dossier)
    assert len(sub.payload["findings"]["findings"]) == 3 and sub.payload["findings"]["counts"] == submitted
    reviewer, griffie = app.test_client(), app.test_client()
    login(reviewer, world.reviewer)
    login(griffie, world.griffier)
    assert _page_counts(reviewer, world.dossier) == submitted
    assert _export_counts(griffie, world.dossier.public_id) == (submitted, [2, 1, 0])

    advance(world.dossier, "afgerond")
    reviewed = {"blokkerend": 0, "hoog": 3, "aandachtspunt": 0}
    assert _page_counts(reviewer, world.dossier) == reviewed
    stored = reports.reports_of(world.dossier)
    confidential = _pdf_text(stored["vertrouwelijk"].content)
    findings = confidential.split("2. Bevindingen per thema", 1)[1].split("3. Beheersmaatregelen", 1)[0]
    badges = re.findall(r"\b\d+\. [A-Z][^.:]*? (Blokkerend|Hoog risico|Aandachtspunt)\b", findings)
    assert {level: sum(b.lower().startswith(level) for b in badges) for level in reviewed} == reviewed
    assert _export_counts(griffie, world.dossier.public_id) == (submitted, [2, 1, 0])
    summary = _pdf_text(stored["samenvatting"].content)
    assert not re.search(r"\b(Blokkerend|blokkerend|Aandachtspunt|Bevindingen)\b", summary)
    assert "Werkgever" not in summary and "Bouwbedrijf Jansen" not in summary
