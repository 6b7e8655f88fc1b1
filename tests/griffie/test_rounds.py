"""Rounds end to end: create, assign five candidates, record results, export, register."""
import io
import zipfile
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from integrity_tool.models import AppointmentResult, AuditEvent, Dossier, Round, db

from .helpers import answers, nevenfunctie


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_round_of_five_end_to_end(griffie_client, org, make_dossier, app_ctx):
    r = griffie_client.post("/griffie/rondes", data={"name": "Collegevorming 2026", "appointment_date": "2026-05-20"})
    assert r.status_code == 302
    ronde = db.session.scalar(select(Round))
    assert ronde.name == "Collegevorming 2026" and ronde.appointment_date == date(2026, 5, 20)

    names = ["Anna Achter", "Bob Boer", "Cor Claes", "Dina Dekker", "Eva Elst"]
    dossiers = [make_dossier("afgerond", name=n, answers=answers(nevenfuncties=[nevenfunctie("Voorzitter",
                                                                                             f"Club van {n}")]))
                for n in names]  # signed off: each has its raad summary
    r = griffie_client.post(f"/griffie/rondes/{ronde.public_id}/dossiers",
                            data={"dossier": [d.public_id for d in dossiers]})
    assert r.status_code == 302
    db.session.expire_all()
    assert all(d.round_id == ronde.id and d.deadline == date(2026, 5, 6) for d in dossiers)
    page = griffie_client.get(f"/griffie/rondes/{ronde.public_id}").get_data(as_text=True)
    assert all(n in page for n in names)

    results = ["benoemd", "benoemd", "niet_benoemd", "teruggetrokken", "benoemd"]
    for d, result in zip(dossiers, results):
        r = griffie_client.post(f"/griffie/dossiers/{d.public_id}/benoeming",
                                data={"result": result, "decided_on": date.today().isoformat(), "terug": "ronde"})
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/griffie/rondes/{ronde.public_id}")
    assert len(_audit("dossier.benoeming_vastgelegd")) == 5
    page = griffie_client.get(f"/griffie/rondes/{ronde.public_id}").get_data(as_text=True)
    assert "De uitslag voor Eva Elst is vastgelegd: Benoemd." in page and page.count("Niet benoemd") >= 1

    ws = load_workbook(io.BytesIO(griffie_client.get(f"/griffie/export.xlsx?ronde={ronde.public_id}").data)).active
    assert sorted(row[0] for row in ws.iter_rows(min_row=2, values_only=True)) == names
    archive = zipfile.ZipFile(io.BytesIO(griffie_client.get(f"/griffie/rondes/{ronde.public_id}/samenvattingen.zip").data))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 5

    register = griffie_client.get(f"/register/{org.slug}").get_data(as_text=True)
    assert "Club van Anna Achter" in register and "Club van Eva Elst" in register
    assert "Cor Claes" not in register and "Dina Dekker" not in register


def test_round_validation_messages(griffie_client, griffier, app_ctx):
    r = griffie_client.post("/griffie/rondes", data={"name": "", "appointment_date": "morgen"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Geef de ronde een naam" in html
    griffie_client.post("/griffie/rondes", data={"name": "Ronde A"})
    r = griffie_client.post("/griffie/rondes", data={"name": "ronde a"}, headers={"Referer": "/griffie/rondes"})
    assert r.status_code == 302
    assert "bestaat al een ronde" in griffie_client.get("/griffie/rondes").get_data(as_text=True)
    r = griffie_client.post("/griffie/rondes", data={"name": "Ver weg", "appointment_date": "2099-01-01"})
    assert r.status_code == 400 and "vijf jaar" in r.get_data(as_text=True)


def test_edit_round_and_assign_errors(griffie_client, griffier, make_dossier, app_ctx):
    griffie_client.post("/griffie/rondes", data={"name": "Ronde A"})
    ronde = db.session.scalar(select(Round))
    r = griffie_client.post(f"/griffie/rondes/{ronde.public_id}", data={"name": "Ronde B", "appointment_date": "2026-06-01"})
    assert r.status_code == 302
    db.session.refresh(ronde)
    assert ronde.name == "Ronde B" and len(_audit("ronde.gewijzigd")) == 1
    assert griffie_client.post(f"/griffie/rondes/{ronde.public_id}/dossiers", data={}).status_code == 400
    assert griffie_client.post(f"/griffie/rondes/{ronde.public_id}/dossiers",
                               data={"dossier": ["onbekend"]}).status_code == 404
    assert griffie_client.get("/griffie/rondes/onbekend").status_code == 404
    d = make_dossier(name="Anna Achter", round_id=ronde.id)
    r = griffie_client.post(f"/griffie/rondes/{ronde.public_id}/dossiers/{d.public_id}/verwijderen")
    assert r.status_code == 302
    db.session.refresh(d)
    assert d.round_id is None and len(_audit("ronde.dossier_verwijderd")) == 1


def test_appointment_rules(griffie_client, make_dossier, app_ctx):
    busy = make_dossier("in_behandeling", name="Bezig")
    gone = make_dossier("ingetrokken", name="Weg")
    today = date.today().isoformat()

    def post(d, **data):
        return griffie_client.post(f"/griffie/dossiers/{d.public_id}/benoeming", data=data, follow_redirects=True)

    assert "pas als benoemd" in post(busy, result="benoemd", decided_on=today).get_data(as_text=True)
    # withdrawing deletes the dossier's data at once, so no result can be recorded any more
    assert "al verwijderd" in post(gone, result="benoemd", decided_on=today).get_data(as_text=True)
    future = (date.today() + timedelta(days=3)).isoformat()
    assert "niet in de toekomst" in post(busy, result="niet_benoemd", decided_on=future).get_data(as_text=True)
    assert "Uitslag: Ongeldige keuze" in post(busy, result="onzin", decided_on=today).get_data(as_text=True)
    assert "Kies een uitslag" in post(busy, decided_on=today).get_data(as_text=True)
    assert post(busy, result="niet_benoemd", decided_on="31-02-2026").status_code == 200
    db.session.expire_all()
    assert busy.appointment_result is None
    post(busy, result="niet_benoemd", decided_on=today)
    db.session.expire_all()
    assert db.session.get(Dossier, busy.id).appointment_result == AppointmentResult.niet_benoemd
    event = _audit("dossier.benoeming_vastgelegd")[-1]
    assert event.detail["uitslag"] == "niet_benoemd" and event.detail["vorige_uitslag"] is None


def test_dossier_page(griffie_client, make_dossier, app_ctx):
    d = make_dossier("afgerond", name="Anna Achter")
    html = griffie_client.get(f"/griffie/dossiers/{d.public_id}").get_data(as_text=True)
    assert "Anna Achter" in html and "Uitslag van de benoeming vastleggen" in html
    assert griffie_client.get("/griffie/dossiers/" + "x" * 100).status_code == 404
