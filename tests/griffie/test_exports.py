"""Overview exports (XLSX, CSV), the ZIP of raad summaries, the audit trail of a dossier."""
import csv
import hashlib
import io
import json
import zipfile
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from integrity_tool.models import AuditEvent, Report, db
from integrity_tool.services import rounds
from integrity_tool.services.exports import neutralise
from integrity_tool.services.users import slugify

EVIL = '=HYPERLINK("http://x","klik")'


def _actions():
    return [a for a in db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))]


def test_neutralise():
    for value in ("=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    assert neutralise("Anna") == "Anna" and neutralise(5) == 5 and neutralise(None) is None


def _seed(make_dossier):
    make_dossier("ingediend", name=EVIL, function_title="-wethouder", deadline=date.today() - timedelta(days=2))
    return make_dossier("afgerond", name="Bea Bakker", deadline=date(2026, 5, 1))


def test_csv_export_bom_separator_and_formulas(griffie_client, make_dossier, app_ctx):
    _seed(make_dossier)
    r = griffie_client.get("/griffie/export.csv?sep=;")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Kandidaat", "Functie", "Portefeuille"]
    assert "Blokkerend" not in rows[0]  # no findings content for the griffier by default
    by_name = {row[0]: row for row in rows[1:]}
    assert "'" + EVIL in by_name and by_name["'" + EVIL][1] == "'-wethouder"
    assert by_name["'" + EVIL][8] == "Ja"  # overdue
    assert by_name["Bea Bakker"][7] == "2026-05-01"
    comma = griffie_client.get("/griffie/export.csv").data.decode("utf-8-sig")
    assert comma.splitlines()[0].startswith("Kandidaat,Functie,")
    assert _actions().count("export.overzicht_csv") == 2


def test_csv_respects_filters(griffie_client, make_dossier, app_ctx):
    _seed(make_dossier)
    text = griffie_client.get("/griffie/export.csv?q=bakker").data.decode("utf-8-sig")
    assert "Bea Bakker" in text and "HYPERLINK" not in text


def test_xlsx_export(griffie_client, make_dossier, app_ctx):
    _seed(make_dossier)
    r = griffie_client.get("/griffie/export.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(r.data)).active
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Kandidaat", "Functie", "Portefeuille", "Ronde", "Status"]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("154273")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:O3"
    # 28 characters wide as Excel shows it (XlsxWriter stores the width plus Excel's cell padding)
    assert 28 <= ws.column_dimensions["A"].width < 29
    values = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert "'" + EVIL in values and values["'" + EVIL][1] == "'-wethouder"
    deadline = values["Bea Bakker"][7]
    assert deadline.date() == date(2026, 5, 1)  # a real date, not text
    assert ws.cell(row=2, column=8).number_format == "DD-MM-YYYY"
    assert "export.overzicht_xlsx" in _actions()


def test_exports_show_counts_only_when_allowed(griffie_client, org, make_dossier, app_ctx):
    bea = _seed(make_dossier)
    org.griffier_sees_confidential = True
    db.session.commit()
    ws = load_workbook(io.BytesIO(griffie_client.get("/griffie/export.xlsx").data)).active
    header = [c.value for c in ws[1]]
    assert header[-3:] == ["Blokkerend", "Hoog risico", "Aandachtspunt"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Bea Bakker")
    assert row[-3:] == tuple(bea.finding_counts) == (0, 1, 2)  # the example answers' findings, counted at submission


def _summary(dossier) -> Report:
    return db.session.scalar(select(Report).where(Report.dossier_id == dossier.id, Report.kind == "samenvatting"))


def test_zip_of_summaries(griffie_client, griffier, make_dossier, app_ctx):
    ronde = rounds.create_round(griffier, "Collegevorming 2026", date(2026, 5, 20))
    a = make_dossier("afgerond", name="Anna Achter", round_id=ronde.id)  # signed: a summary and a confidential report
    b = make_dossier("afgerond", name="Bob Boer", round_id=ronde.id)
    make_dossier("afgerond", name="Carl Elders")  # not in the round
    anna = _summary(a)
    # Bob's summary issued a second time (no service does that yet): the newest one goes in the zip
    newest = b"%PDF-1.7 bob nieuw"
    db.session.add(Report(dossier_id=b.id, kind="samenvatting", document_number="RIS-2026-00004", content=newest,
                          sha256=hashlib.sha256(newest).hexdigest(), size=len(newest)))
    db.session.commit()
    r = griffie_client.get(f"/griffie/rondes/{ronde.public_id}/samenvattingen.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert pdfs == [f"{slugify(anna.document_number)}-anna-achter.pdf", "ris-2026-00004-bob-boer.pdf"]
    assert archive.read(pdfs[0]) == anna.content
    manifest = json.loads(archive.read("manifest.json"))
    assert {d["documentnummer"]: d["sha256"] for d in manifest["documenten"]} == {
        anna.document_number: hashlib.sha256(anna.content).hexdigest(),
        "RIS-2026-00004": hashlib.sha256(newest).hexdigest()}
    assert all(d["controle"] == "in orde" for d in manifest["documenten"])
    manifest_csv = archive.read("manifest.csv").decode("utf-8-sig")
    assert anna.document_number in manifest_csv and hashlib.sha256(anna.content).hexdigest() in manifest_csv
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.samenvattingen_zip"))
    assert event.detail["documenten"] == 2


def test_zip_without_summaries_is_a_message_not_an_error(griffie_client, griffier, app_ctx):
    ronde = rounds.create_round(griffier, "Leeg", None)
    r = griffie_client.get(f"/griffie/rondes/{ronde.public_id}/samenvattingen.zip", follow_redirects=True)
    assert r.status_code == 200
    assert "nog geen ondertekende samenvattingen" in r.get_data(as_text=True)


def test_audit_trail_csv(griffie_client, griffier, org, make_dossier, app_ctx):
    dossier = make_dossier("afgerond", name="Anna Achter")
    rounds.record_appointment(griffier, dossier, "benoemd", date.today())
    r = griffie_client.get(f"/griffie/dossiers/{dossier.public_id}/audittrail.csv")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0] == ["nummer", "tijdstip (Nederlandse tijd)", "handeling", "door", "hash"]  # local time with offset now (issue 13.3)
    actions = [row[2] for row in rows[1:]]
    assert actions[0] == "dossier.aangemaakt" and actions[-2:] == ["dossier.benoeming_vastgelegd", "termijn.gestart"]
    assert "dossier.afgerond" in actions
    assert "export.audittrail_csv" in _actions()
    org.griffier_sees_confidential = True
    db.session.commit()
    rows = list(csv.reader(io.StringIO(
        griffie_client.get(f"/griffie/dossiers/{dossier.public_id}/audittrail.csv").data.decode("utf-8-sig"))))
    assert "details" in rows[0]


def test_export_headers_and_labels_follow_the_interface_language(griffie_client, make_dossier, app_ctx):
    _seed(make_dossier)
    griffie_client.post("/taal/en", data={})
    rows = list(csv.reader(io.StringIO(griffie_client.get("/griffie/export.csv").data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Candidate", "Position", "Portfolio", "Round", "Status"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'" + EVIL][8] == "Yes" and by_name["Bea Bakker"][8] == "No"
    assert "Kandidaat" not in rows[0] and "Ja" not in by_name["'" + EVIL]
    ws = load_workbook(io.BytesIO(griffie_client.get("/griffie/export.xlsx").data)).active
    assert [c.value for c in ws[1]][:2] == ["Candidate", "Position"]


def test_export_times_are_dutch_local_time_with_offset_around_dst():
    """Issue 13.3: exports show Europe/Amsterdam time with the right offset on either side of a DST change."""
    from datetime import datetime

    from integrity_tool.services.exports import _local_iso
    from integrity_tool.services.submission import _iso

    assert _local_iso(datetime(2026, 3, 29, 0, 59, 59)) == "2026-03-29T01:59:59+01:00"
    assert _local_iso(datetime(2026, 3, 29, 1, 0, 0)) == "2026-03-29T03:00:00+02:00"
    assert _local_iso(datetime(2026, 10, 25, 0, 30)) == "2026-10-25T02:30:00+02:00"
    assert _local_iso(datetime(2026, 10, 25, 1, 30)) == "2026-10-25T02:30:00+01:00"
    assert _iso(datetime(2026, 7, 1, 12, 0)) == "2026-07-01T14:00:00+02:00"
    from datetime import date
    assert _iso(date(2026, 7, 1)) == "2026-07-01"
