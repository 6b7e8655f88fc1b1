"""The public register: only public fields of appointed bestuurders; no log-in."""
import csv
import io
from datetime import date

from integrity_tool.models import AppointmentResult, db
from integrity_tool.services import register as service

from .helpers import answers, nevenfunctie

B = AppointmentResult


def _seed(make_dossier, make_org):
    make_dossier("afgerond", name="Anna Achter", result=B.benoemd, decided=date(2026, 5, 20),
                 answers=answers(nevenfuncties=[
                     nevenfunctie("Voorzitter", "Stichting Muziekschool", kvk="12345678", betaald=True,
                                  bedrag="2400.00", relatie=("subsidie",)),
                     nevenfunctie("Lid raad van toezicht", "Woonstichting Thuis", behouden=False),
                     nevenfunctie("Penningmeester", "Tennisclub Smash"),
                 ]), function_title="Wethouder")
    make_dossier("afgerond", name="Bob Boer", result=B.niet_benoemd,
                 answers=answers(nevenfuncties=[nevenfunctie("Secretaris", "Geheime Vereniging Boer")]))
    make_dossier("ingetrokken", name="Cor Terug",  # withdrawn after submitting: its data is deleted at once
                 answers=answers(nevenfuncties=[nevenfunctie("Bestuurder", "Teruggetrokken BV")]))
    make_dossier("in_behandeling", name="Dirk Bezig",
                 answers=answers(nevenfuncties=[nevenfunctie("Lid", "Nog Niet Klaar")]))
    make_dossier("afgerond", org=make_org("Gemeente Elders"), name="Eva Elders", result=B.benoemd,
                 answers=answers(nevenfuncties=[nevenfunctie("Voorzitter", "Andere Gemeente Club")]))


def test_register_html_is_public_and_shows_only_public_fields(client, org, make_org, make_dossier, app_ctx):
    _seed(make_dossier, make_org)
    r = client.get(f"/register/{org.slug}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Anna Achter" in html and "Stichting Muziekschool" in html and "Tennisclub Smash" in html
    assert "€ 2.400,00" in html or "2.400,00" in html  # income: public for a full-time wethouder
    assert "<caption>" in html and 'scope="col"' in html
    for hidden in ("12345678", "Ontvangt subsidie", "Woonstichting Thuis",  # non-public fields, laid-down position
                   "Bob Boer", "Geheime Vereniging", "Cor Terug", "Teruggetrokken BV", "Dirk Bezig", "Eva Elders",
                   "Andere Gemeente Club"):
        assert hidden not in html, hidden


def test_register_csv_and_json(client, org, make_org, make_dossier, app_ctx):
    _seed(make_dossier, make_org)
    r = client.get(f"/register/{org.slug}.csv")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    assert "public" in r.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Naam", "Functie", "Portefeuille", "Benoemd op"]
    assert [row[4:6] for row in rows[1:]] == [["Voorzitter", "Stichting Muziekschool"],
                                              ["Penningmeester", "Tennisclub Smash"]]
    data = client.get(f"/register/{org.slug}.json").get_json()
    assert data["organisatie"] == org.name
    assert [b["naam"] for b in data["bestuurders"]] == ["Anna Achter"]
    items = data["bestuurders"][0]["nevenfuncties"]
    assert items[0] == {"omschrijving": "Voorzitter", "organisatie": "Stichting Muziekschool", "betaald": True,
                        "bedrag_per_jaar": "2400.00"}
    assert set(items[1]) == {"omschrijving", "organisatie", "betaald"}
    text = r.data.decode() + str(data)
    for hidden in ("12345678", "subsidie", "Bob Boer", "Cor Terug", "Eva Elders", "uren_per_maand", "qq"):
        assert hidden not in text, hidden


def test_formula_in_register_csv_is_neutralised(client, org, make_dossier, app_ctx):
    make_dossier("afgerond", name="=cmd|' /C calc'!A0", result=B.benoemd,
                 answers=answers(nevenfuncties=[nevenfunctie("@SUM(1)", "+Club")]))
    rows = list(csv.reader(io.StringIO(client.get(f"/register/{org.slug}.csv").data.decode("utf-8-sig"))))
    assert rows[1][0].startswith("'=") and rows[1][4] == "'@SUM(1)" and rows[1][5] == "'+Club"


def test_stale_hidden_answers_are_not_published(client, org, make_dossier, app_ctx):
    stale = answers(nevenfuncties=[nevenfunctie("Voorzitter", "Oude Club")])
    stale["heeft_nevenfuncties"] = False  # the repeat is hidden: its answers are not published
    make_dossier("afgerond", name="Fien Fris", result=B.benoemd, answers=stale)
    html = client.get(f"/register/{org.slug}").get_data(as_text=True)
    assert "Fien Fris" in html and "Oude Club" not in html and "Geen nevenfuncties" in html


def test_unknown_organisation_is_404(client, app_ctx):
    assert client.get("/register/bestaat-niet").status_code == 404
    assert client.get("/register/bestaat-niet.json").status_code == 404
    assert client.get("/register/" + "x" * 200).status_code == 404


def test_purged_snapshot_keeps_public_fields(app_ctx, org, make_dossier):
    d = make_dossier("afgerond", name="Gijs Gepurged", result=B.benoemd,
                     answers=answers(nevenfuncties=[nevenfunctie("Voorzitter", "Harmonie")]))
    from integrity_tool.models import Submission

    sub = db.session.query(Submission).filter_by(dossier_id=d.id).one()
    sub.payload = {"answers": {"nevenfuncties": [{"omschrijving": "Voorzitter", "organisatie": "Harmonie",
                                                  "betaald": False}]}, "findings": [], "purged": True}
    db.session.commit()
    entry = service.build_register(org).entries[0]
    assert entry.nevenfuncties == [{"omschrijving": "Voorzitter", "organisatie": "Harmonie", "betaald": False}]
