"""A candidate sees who else viewed or downloaded their dossier."""
from integrity_tool import audit
from integrity_tool.models import db
from tests.conftest import login


def test_candidate_sees_who_viewed(client, org, make_user, make_dossier):
    reviewer = make_user("reviewer", org, name="Bea Burgemeester")
    dossier = make_dossier(reviewer=reviewer)
    candidate = dossier.candidate
    audit.record("dossier.bekeken", actor=reviewer, dossier=dossier)
    audit.record("dossier.bekeken", actor=candidate, dossier=dossier)  # own views are not listed
    audit.record("antwoorden.opgeslagen", actor=candidate, dossier=dossier)
    db.session.commit()
    login(client, candidate)
    page = client.get(f"/kandidaat/dossier/{dossier.public_id}/inzage").get_data(as_text=True)
    assert "Bea Burgemeester (reviewer)" in page
    assert page.count("Dossier bekeken") == 1
    other = make_user("candidate", org)
    c2 = client.application.test_client()
    login(c2, other)
    assert c2.get(f"/kandidaat/dossier/{dossier.public_id}/inzage").status_code == 404


def test_views_grouped_per_person_per_day_and_exports_listed(client, org, make_user, make_dossier):
    """Issue 19: a long review is one line per person per day, and the griffier's XLSX, CSV and ZIP
    exports that held the candidate's dossier are listed; exports without it are not."""
    from datetime import date

    from integrity_tool.models import Report
    from integrity_tool.services import exports, overview, rounds

    reviewer = make_user("reviewer", org, name="Bea Burgemeester")
    griffier = make_user("griffier", org, name="Gijs Griffier")
    dossier = make_dossier(reviewer=reviewer)
    candidate = dossier.candidate
    for _ in range(18):
        audit.record("dossier.bekeken", actor=reviewer, dossier=dossier)
    audit.record("rapport.gedownload", actor=reviewer, dossier=dossier)
    db.session.commit()
    round_ = rounds.create_round(griffier, "Wethouders 2026", date(2026, 12, 1))
    dossier.round_id = round_.id
    db.session.add(Report(dossier_id=dossier.id, kind="samenvatting", document_number="RI-2026-000099-S",
                          sha256="0" * 64, size=3, content=b"pdf"))
    db.session.commit()
    exports.overview_xlsx(griffier, overview.Filters())
    exports.overview_csv(griffier, overview.Filters())
    exports.summaries_zip(griffier, round_)
    # An export that did not hold this dossier is not listed.
    exports.overview_xlsx(griffier, overview.Filters(q="iemand anders"))
    login(client, candidate)
    page = client.get(f"/kandidaat/dossier/{dossier.public_id}/inzage").get_data(as_text=True)
    assert page.count("Bea Burgemeester (reviewer)") == 1
    assert "Dossier bekeken (18×)" in page and "Rapport gedownload" in page
    assert page.count("Gijs Griffier (griffier)") == 1
    assert "Overzicht van dossiers gedownload (Excel), met uw dossier" in page
    assert "Overzicht van dossiers gedownload (CSV), met uw dossier" in page
    assert "Samenvattingen voor de raad gedownload (ZIP), met de uwe" in page
    assert "(Excel), met uw dossier (2×)" not in page
