"""Belangenkruising: normalisation, matching, uploads, and the reviewer's findings."""
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from integrity_tool.questionnaire import default_catalog
from integrity_tool.models import AuditEvent, Relation, RelationUpload, db
from integrity_tool.services import matching
from integrity_tool.services.matching import (UploadError, build_index, is_distinctive, match_answers, normalise_name,
                                              parse_relations)

from .helpers import answers, nevenfunctie

# The matcher follows the questionnaire's fact markers, so it is given the questionnaire.
WETHOUDER = default_catalog().get("kandidaat-wethouder")


@pytest.mark.parametrize("raw, expected", [
    ("Bouwbedrijf De Vries B.V.", "bouwbedrijf de vries"),
    ("bouwbedrijf de vries", "bouwbedrijf de vries"),
    ("BOUWBEDRIJF DE VRIES BV", "bouwbedrijf de vries"),
    ("Coöperatie Zuivel Noord U.A.", "zuivel noord"),
    ("Stichting Café Ørsted", "cafe ørsted"),
    ("Van der Berg & Zonen V.O.F.", "van der berg en zonen"),
    ("Jansen Holding N.V.", "jansen"),
    ("Vereniging Dorpsbelang 't Zand", "dorpsbelang het zand"),
    ("Hoekstra Besloten Vennootschap", "hoekstra"),
])
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize("name", ["De Holding", "Holding B.V.", "Groep Nederland B.V.", "AB", "de", "B.V.", "Beheer"])
def test_generic_or_short_names_are_not_distinctive(name):
    assert not is_distinctive(normalise_name(name))


def _index(*rows):
    return build_index([(name, kvk, category, None) for name, kvk, category in rows])


def test_kvk_matches_exactly():
    index = _index(("Aannemer Pietersen", "12345678", "leverancier"))
    given = answers(nevenfuncties=[nevenfunctie(organisatie="Iets anders", kvk="12345678")])
    found = match_answers(given, WETHOUDER, index)
    assert [(m.method, m.relation.name, m.path, m.theme) for m in found] == [
        ("kvk", "Aannemer Pietersen", "nevenfuncties.kvk", "nevenfuncties")]
    assert match_answers(answers(nevenfuncties=[nevenfunctie(kvk="12345679")]), WETHOUDER, index) == []


def test_normalised_names_match_and_accents_are_ignored():
    index = _index(("bouwbedrijf de vries", None, "leverancier"), ("Cafe Zoë", None, "vergunninghouder"))
    given = answers(ondernemingen=[{"naam": "Bouwbedrijf De Vries B.V."}],
                    nevenfuncties=[nevenfunctie(organisatie="Stichting Café Zoe")])
    found = {(m.path, m.relation.name) for m in match_answers(given, WETHOUDER, index)}
    assert found == {("ondernemingen.naam", "bouwbedrijf de vries"), ("nevenfuncties.organisatie", "Cafe Zoë")}


def test_no_false_match_on_generic_words():
    index = _index(("De Holding", None, "leverancier"), ("Groep", None, "leverancier"),
                   ("Nederland B.V.", None, "subsidieontvanger"))
    given = answers(nevenfuncties=[nevenfunctie(organisatie="Holding B.V."), nevenfunctie(organisatie="De Groep"),
                                   nevenfunctie(organisatie="Nederland")])
    assert match_answers(given, WETHOUDER, index) == []


def test_partner_relations_and_employer_are_matched():
    index = _index(("Zorggroep Lindehof", "87654321", "subsidieontvanger"), ("Van Dam Installatietechniek", None,
                                                                              "leverancier"))
    given = answers(relaties=[{"naam": "P. Partner", "organisatie": "Zorggroep Lindehof", "kvk": "87654321"}],
                    werkgever="Van Dam Installatietechniek B.V.")
    found = match_answers(given, WETHOUDER, index)
    assert {(m.path, m.method) for m in found} == {("relaties.kvk", "kvk"), ("werkgever", "naam")}
    # One relation found by KvK and by name in the same item is reported once.
    assert len([m for m in found if m.path.startswith("relaties")]) == 1
    assert all("Partner" not in m.entry_label for m in found)


def test_odd_answers_never_raise():
    index = _index(("Aannemer Pietersen", "12345678", "leverancier"))
    assert match_answers(None, WETHOUDER, index) == []
    assert match_answers({"nevenfuncties": "x", "ondernemingen": [None, 3, {"naam": 5}]}, WETHOUDER, index) == []


# --- uploads ---------------------------------------------------------------------------------------

def test_csv_with_semicolons_and_bom():
    data = "\ufeffnaam;kvk;categorie\nBouwbedrijf De Vries B.V.;12345678;Leverancier\nSportclub Oost;;subsidieontvanger\n"
    rows = parse_relations("lijst.csv", data.encode("utf-8"))
    assert [(r.name, r.kvk, r.category, r.normalised_name) for r in rows] == [
        ("Bouwbedrijf De Vries B.V.", "12345678", "leverancier", "bouwbedrijf de vries"),
        ("Sportclub Oost", None, "subsidieontvanger", "sportclub oost")]


def test_csv_with_commas_and_cp1252():
    data = "Naam,KvK,Categorie\n\"Café Noord, Stichting\",01234567,verbonden partij\n".encode("cp1252")
    rows = parse_relations("lijst.csv", data)
    assert rows[0].name == "Café Noord, Stichting" and rows[0].kvk == "01234567"
    assert rows[0].category == "verbonden partij"


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_upload():
    rows = parse_relations("lijst.xlsx", _xlsx([["naam", "kvk", "categorie"], ["Aannemer Pietersen", 12345678,
                                                                                  "vergunninghouder"]]))
    assert rows[0].kvk == "12345678" and rows[0].category == "vergunninghouder"


def test_malformed_row_names_row_and_column():
    data = "naam;kvk;categorie\n" + "".join(f"Bedrijf {i};1234567{i};leverancier\n" for i in range(5)) + \
        "Fout bedrijf;1234567;leverancier\n"
    with pytest.raises(UploadError) as exc:
        parse_relations("lijst.csv", data.encode())
    assert exc.value.errors[0].startswith("Rij 7, kolom 'kvk': '1234567' is geen KvK-nummer van 8 cijfers")


@pytest.mark.parametrize("content, message", [
    ("naam;categorie\n;leverancier\n", "Rij 2, kolom 'naam': de naam ontbreekt"),
    ("naam;categorie\nBedrijf X;aannemer\n", "Rij 2, kolom 'categorie': 'aannemer' is geen bekende categorie"),
    ("bedrijf;kvk\nX;12345678\n", "de kolom 'naam' ontbreekt"),
    ("", "Het bestand is leeg"),
    ("naam\n", "geen relaties"),
])
def test_malformed_files(content, message):
    with pytest.raises(UploadError) as exc:
        parse_relations("lijst.csv", content.encode())
    assert any(message in e for e in exc.value.errors), exc.value.errors


def test_not_a_spreadsheet():
    with pytest.raises(UploadError, match="Excel-bestand"):
        parse_relations("lijst.xlsx", b"dit is geen zip")
    with pytest.raises(UploadError, match="CSV-bestand"):
        parse_relations("lijst.pdf", b"%PDF")


def test_upload_page_replaces_list_and_rejects_bad_file(griffie_client, griffier, app_ctx):
    good = "naam;kvk;categorie\nAannemer Pietersen;12345678;leverancier\nSportclub Oost;;subsidieontvanger\n"
    r = griffie_client.post("/griffie/relaties", data={"file": (io.BytesIO(good.encode()), "lijst.csv")},
                            content_type="multipart/form-data")
    assert r.status_code == 302
    assert db.session.scalar(select(func.count(Relation.id))) == 2
    newer = "naam;kvk;categorie\nDrukkerij Noord;23456789;leverancier\n"
    griffie_client.post("/griffie/relaties", data={"file": (io.BytesIO(newer.encode()), "nieuw.csv")},
                        content_type="multipart/form-data")
    assert db.session.scalars(select(Relation.name)).all() == ["Drukkerij Noord"]
    assert db.session.scalar(select(func.count(RelationUpload.id))) == 1

    bad = "naam;kvk;categorie\nGoed bedrijf;34567890;leverancier\nSlecht bedrijf;12AB;leverancier\n"
    r = griffie_client.post("/griffie/relaties", data={"file": (io.BytesIO(bad.encode()), "fout.csv")},
                            content_type="multipart/form-data")
    assert r.status_code == 400
    assert "Rij 3, kolom &#39;kvk&#39;: &#39;12AB&#39; is geen KvK-nummer van 8 cijfers" in r.get_data(as_text=True)
    assert db.session.scalars(select(Relation.name)).all() == ["Drukkerij Noord"]  # nothing stored
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "relaties.geupload")) == 2
    # no file at all: a message, not a crash
    r = griffie_client.post("/griffie/relaties", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and "Kies een bestand" in r.get_data(as_text=True)


def test_griffier_does_not_see_who_matched_unless_allowed(griffie_client, griffier, org, make_dossier):
    make_dossier("ingediend", name="Karel Kandidaat",
                 answers=answers(nevenfuncties=[nevenfunctie(organisatie="Aannemer Pietersen", kvk="12345678")]))
    data = "naam;kvk;categorie\nAannemer Pietersen;12345678;leverancier\n"
    griffie_client.post("/griffie/relaties", data={"file": (io.BytesIO(data.encode()), "lijst.csv")},
                        content_type="multipart/form-data")
    page = griffie_client.get("/griffie/relaties").get_data(as_text=True)
    assert "Karel Kandidaat" not in page and "Aannemer Pietersen" not in page
    org.griffier_sees_confidential = True
    db.session.commit()
    page = griffie_client.get("/griffie/relaties").get_data(as_text=True)
    assert "Karel Kandidaat" in page and "als leverancier: Aannemer Pietersen" in page


def test_crosscheck_findings_for_the_reviewer(app_ctx, org, griffier, make_dossier):
    matching.replace_relations(griffier, "lijst.csv",
                               b"naam;kvk;categorie\nAannemer Pietersen;12345678;leverancier\n"
                               b"Bouwbedrijf de Vries;;vergunninghouder\n")
    dossier = make_dossier("ingediend", answers=answers(
        nevenfuncties=[nevenfunctie(organisatie="Stichting Sport", kvk="12345678")],
        ondernemingen=[{"naam": "Bouwbedrijf De Vries B.V."}]))
    found = matching.crosscheck_findings(dossier)
    assert [f["key"] for f in found] == ["belangenkruising:1", "belangenkruising:2"]
    first, second = found
    assert first["level"] == "hoog" and first["theme"] == "nevenfuncties"
    assert first["relation"] == {"naam": "Aannemer Pietersen", "kvk": "12345678", "categorie": "leverancier"}
    assert "staat op de lijst van relaties van Gemeente Oosterhout-Test als leverancier: Aannemer Pietersen" in \
        first["explanation"]
    assert second["theme"] == "belangen" and second["match"] == "naam"
    assert second["relation"]["categorie"] == "vergunninghouder"


def test_crosscheck_partial_renders(app, app_ctx, org, griffier, make_dossier):
    from flask import render_template

    matching.replace_relations(griffier, "l.csv", b"naam;kvk\nAannemer Pietersen;12345678\n")
    dossier = make_dossier("ingediend", answers=answers(nevenfuncties=[nevenfunctie(kvk="12345678")]))
    with app.test_request_context():
        html = render_template("griffie/_crosscheck.html", crosscheck_matches=matching.crosscheck_findings(dossier))
    assert "Aannemer Pietersen" in html and "KvK-nummer (exact)" in html

