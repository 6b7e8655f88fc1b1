"""Issue 15.1: an organisation's own questionnaires in the database, managed by its administrator.

Upload (broken, good, the same twice, too large, not UTF-8), copy a shipped one, preview, diff,
activate, retire; a dossier stays pinned to its version; organisation B never sees A's; the CLI
imports and lists per organisation.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from integrity_tool.models import AuditEvent, Dossier, OrgQuestionnaire, db
from integrity_tool.services import dossiers
from integrity_tool.services import org_questionnaires as oq
from integrity_tool.services.errors import InvalidInput, NotFound, StateError
from tests.conftest import login

DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-format.md"


def example_yaml(version: str = "1.0") -> str:
    """The documented example questionnaire (voorbeeld-wethouder, gemeente), at ``version``."""
    text = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[0]
    return text.replace('version: "1.0"', f'version: "{version}"')


def _upload(client, text, name="eigen.yaml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/beheer/vragenlijsten/upload", data={"bestand": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def admin(make_user, org):
    return make_user("admin", org, name="Ada Admin")


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- services ---------------------------------------------------------------------------------------

def test_upload_activate_retire_and_pinning(app_ctx, admin, org, make_user, make_dossier):
    row, created = oq.upload(admin, example_yaml().encode(), "eigen.yaml")
    assert created and row.status == "concept" and row.organisation_id == org.id
    assert "voorbeeld-wethouder" not in {q.id for q in oq.applicable(org)}  # a draft is not offered
    assert oq.upload(admin, example_yaml().encode(), "eigen.yaml") == (row, False)  # double submit
    assert oq.activate(admin, row.public_id) is True and oq.activate(admin, row.public_id) is False
    offered = {q.id: q for q in oq.applicable(org)}
    assert set(offered) == {"kandidaat-wethouder", "voorbeeld-wethouder"}
    dossier = make_dossier(questionnaire_id="voorbeeld-wethouder", reviewer=None)
    assert (dossier.questionnaire_version, dossier.questionnaire_hash) == ("1.0", row.content_hash)
    # a new version replaces the active one; the dossier keeps 1.0
    new, _ = oq.upload(admin, example_yaml("1.1").replace("Nevenfuncties", "Nevenfuncties en belangen", 1)
                       .encode(), "eigen-1.1.yaml")
    oq.activate(admin, new.public_id)
    db.session.expire_all()
    assert db.session.get(OrgQuestionnaire, row.id).status == "ingetrokken"
    assert oq.applicable(org)[-1].version == "1.1"
    assert oq.for_record(dossier).version == "1.0"
    assert oq.for_record(dossier).content_hash == row.content_hash
    # an activated version is immutable; a draft may be replaced
    with pytest.raises(StateError):
        oq.upload(admin, example_yaml().replace("Nevenfuncties", "Andere titel", 1).encode(), "x.yaml")
    assert oq.retire(admin, new.public_id) is True and oq.retire(admin, new.public_id) is False
    assert {q.id for q in oq.applicable(org)} == {"kandidaat-wethouder"}
    assert oq.for_record(dossier) is not None  # retired versions still resolve for pinned dossiers
    assert [e.detail["versie"] for e in _events("vragenlijst.geupload")] == ["1.0", "1.1"]
    assert [e.detail["versie"] for e in _events("vragenlijst.geactiveerd")] == ["1.0", "1.1"]
    assert len(_events("vragenlijst.ingetrokken")) == 2


def test_bad_input_gives_messages(app_ctx, admin, org):
    with pytest.raises(oq.UploadInvalid) as exc:
        oq.upload(admin, example_yaml().replace("type: yesno", "type: janee", 1).encode(), "kapot.yaml")
    assert any(re.match(r"kapot\.yaml:\d+: sections\[nevenfuncties\].*onbekend vraagtype 'janee'", e)
               for e in exc.value.errors)
    with pytest.raises(oq.UploadInvalid) as exc:
        oq.upload(admin, b"id: x\n  version: [", "syntax.yaml")
    assert exc.value.errors[0].startswith("syntax.yaml:2: (document): YAML-syntaxfout")
    for data, message in ((b"", "leeg"), ("id: é".encode("latin-1"), "UTF-8"),
                          (b"a: b\n" * 200_000, "te groot"), (b"\x00\x01", "geen tekstbestand")):
        with pytest.raises(InvalidInput, match=message):
            oq.upload(admin, data, "x.yaml")
    # includes: only the shipped fragments
    for name in ("../../etc/passwd", "/etc/hostname", "../questionnaires/kandidaat-wethouder.yaml"):
        text = example_yaml().replace("sections:\n", f"sections:\n  - include: {name}\n", 1)
        with pytest.raises(oq.UploadInvalid, match="fouten"):
            oq.upload(admin, text.encode(), "inc.yaml")
    # not for this kind; a shipped id + version
    with pytest.raises(oq.UploadInvalid) as exc:
        oq.upload(admin, example_yaml().replace("applies_to: [gemeente]", "applies_to: [provincie]").encode(), "p.yaml")
    assert "applies_to" in exc.value.errors[0]
    with pytest.raises(oq.UploadInvalid, match="fouten") as exc:
        oq.upload(admin, example_yaml("2026.1").replace("id: voorbeeld-wethouder", "id: kandidaat-wethouder")
                  .encode(), "kopie.yaml")
    assert "wordt al meegeleverd" in exc.value.errors[0]
    assert db.session.scalar(select(OrgQuestionnaire)) is None


def test_copy_of_a_shipped_questionnaire_includes_shipped_fragments(app_ctx, admin, org):
    row = oq.copy_shipped(admin, "kandidaat-wethouder")
    shipped = oq.runtime.catalog().get("kandidaat-wethouder").version
    assert row.questionnaire_id == "kandidaat-wethouder" and row.version == f"{shipped}-gemeente-oosterhout.1"
    assert "include: common/" in row.source
    second = oq.copy_shipped(admin, "kandidaat-wethouder")
    assert second.version != row.version
    oq.activate(admin, row.public_id)
    offered = [q for q in oq.applicable(org) if q.id == "kandidaat-wethouder"]
    assert [q.version for q in offered] == [row.version]  # the own version takes the shipped one's place
    with pytest.raises(NotFound):
        oq.copy_shipped(admin, "kandidaat-gedeputeerde")  # not for a gemeente


def test_scoped_to_the_organisation(app_ctx, admin, org, make_org, make_user):
    row, _ = oq.upload(admin, example_yaml().encode(), "eigen.yaml")
    oq.activate(admin, row.public_id)
    other = make_org("Gemeente Elders")
    other_admin = make_user("admin", other)
    assert "voorbeeld-wethouder" not in {q.id for q in oq.applicable(other)}
    assert oq.listing(other) == []
    with pytest.raises(NotFound):
        oq.get(other_admin, row.public_id)
    with pytest.raises(NotFound):
        oq.activate(other_admin, row.public_id)
    griffier = make_user("griffier", org)
    with pytest.raises(NotFound):
        oq.get(griffier, row.public_id)
    candidate = make_user("candidate", other)
    with pytest.raises(Exception):
        dossiers.create_dossier(other, candidate, None, "voorbeeld-wethouder", function_title="Wethouder")
    # the same id and version may exist in two organisations, each its own
    row_b, created = oq.upload(other_admin, example_yaml().encode(), "eigen.yaml")
    assert created and row_b.id != row.id


def test_diff_lines():
    lines = oq.diff_lines("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 20\nc: 3\n", "oud", "nieuw")
    assert [(x.kind, x.text) for x in lines] == [("hunk", "@@ -1,3 +1,3 @@"), ("same", " a: 1"), ("del", "-b: 2"),
                                                 ("add", "+b: 20"), ("same", " c: 3")]


# --- pages --------------------------------------------------------------------------------------------

def test_admin_pages_upload_broken_then_good_preview_diff_activate(client, admin, org, griffier):
    login(client, admin)
    page = client.get("/beheer/vragenlijsten")
    assert page.status_code == 200 and "Een vragenlijst uploaden" in page.get_data(as_text=True)
    broken = _upload(client, example_yaml().replace("type: yesno", "type: janee", 1), "kapot.yaml")
    html = broken.get_data(as_text=True)
    assert broken.status_code == 400 and "kapot.yaml:" in html and "onbekend vraagtype" in html
    for bad, message in ((b"\xff\xfe\x00", "UTF-8"), (b"", "Kies een YAML-bestand")):
        r = _upload(client, bad)
        assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert client.post("/beheer/vragenlijsten/upload", data={}).status_code == 400  # no file
    good = _upload(client, example_yaml())
    assert good.status_code == 302
    row = db.session.scalar(select(OrgQuestionnaire))
    assert good.headers["Location"].endswith(f"/beheer/vragenlijsten/{row.public_id}")
    again = _upload(client, example_yaml())  # double submit
    assert again.status_code == 302 and db.session.scalars(select(OrgQuestionnaire)).all() == [row]
    detail = client.get(f"/beheer/vragenlijsten/{row.public_id}").get_data(as_text=True)
    assert "voorbeeld-wethouder" in detail and "concept" in detail
    preview = client.get(f"/beheer/vragenlijsten/{row.public_id}/voorbeeld")
    assert preview.status_code == 200 and "Heeft u nevenfuncties?" in preview.get_data(as_text=True)
    assert "disabled" in preview.get_data(as_text=True)
    diff = client.get(f"/beheer/vragenlijsten/{row.public_id}/verschil")
    assert diff.status_code == 200 and "geen andere versie" in diff.get_data(as_text=True)
    source = client.get(f"/beheer/vragenlijsten/{row.public_id}/yaml")
    assert source.get_data(as_text=True) == example_yaml() and "attachment" in source.headers["Content-Disposition"]
    # a stale form (status changed since the page was shown) changes nothing
    r = client.post(f"/beheer/vragenlijsten/{row.public_id}/activeren", data={"status": "ingetrokken"})
    assert r.status_code == 302 and db.session.get(OrgQuestionnaire, row.id).status == "concept"
    r = client.post(f"/beheer/vragenlijsten/{row.public_id}/activeren", data={"status": "concept"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrgQuestionnaire, row.id).status == "actief"
    assert client.post(f"/beheer/vragenlijsten/{row.public_id}/activeren", data={}).status_code == 302  # again
    # version 1.1: the diff shows the change against 1.0 in use
    _upload(client, example_yaml("1.1").replace("Heeft u nevenfuncties?", "Heeft u betaalde nevenfuncties?"))
    new = db.session.scalar(select(OrgQuestionnaire).where(OrgQuestionnaire.version == "1.1"))
    html = client.get(f"/beheer/vragenlijsten/{new.public_id}/verschil").get_data(as_text=True)
    assert "-version: &#34;1.0&#34;" in html and "+version: &#34;1.1&#34;" in html
    assert "betaalde nevenfuncties" in html
    # the griffier's new-dossier page offers it
    client.post("/uitloggen")
    login(client, griffier)
    assert "voorbeeld-wethouder" in client.get("/griffie/dossiers/nieuw").get_data(as_text=True)


def test_copy_page(client, admin):
    login(client, admin)
    r = client.post("/beheer/vragenlijsten/kopie", data={"questionnaire_id": "kandidaat-wethouder"})
    assert r.status_code == 302
    assert client.post("/beheer/vragenlijsten/kopie", data={"questionnaire_id": "bestaat-niet"}).status_code == 400


def test_pages_are_for_the_own_administrator_only(client, admin, org, make_user, make_org, griffier):
    row, _ = oq.upload(admin, example_yaml().encode(), "eigen.yaml")
    paths = [f"/beheer/vragenlijsten/{row.public_id}{tail}" for tail in ("", "/voorbeeld", "/verschil", "/yaml")]
    other_admin = make_user("admin", make_org("Gemeente Elders"))
    for user in (other_admin, griffier):
        login(client, user)
        for path in paths:
            assert client.get(path).status_code == 404, (user.role, path)
        assert client.post(paths[0] + "/activeren", data={}).status_code == 404
        assert "voorbeeld-wethouder" not in client.get("/beheer/vragenlijsten").get_data(as_text=True)
        client.post("/uitloggen")


# --- command line ----------------------------------------------------------------------------------------

def test_cli_import_and_list_per_organisation(app, app_ctx, runner, org, make_org, tmp_path):
    make_org("Gemeente Elders")
    path = tmp_path / "eigen.yaml"
    path.write_text(example_yaml(), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", "--org", org.name, "--activate", str(path)])
    assert result.exit_code == 0, result.output
    assert "opgeslagen" in result.output and "In gebruik genomen" in result.output
    assert "voorbeeld-wethouder" in {q.id for q in oq.applicable(org)}
    bad = tmp_path / "kapot.yaml"
    bad.write_text(example_yaml().replace("type: yesno", "type: janee", 1), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", "--org", org.name, str(bad)])
    assert result.exit_code == 1 and "kapot.yaml:" in result.output and "janee" in result.output
    result = runner.invoke(args=["questionnaire", "import", "--org", "Bestaat Niet", str(path)])
    assert result.exit_code == 1 and "Onbekende organisatie" in result.output
    result = runner.invoke(args=["questionnaire", "list", "--org", org.name])
    assert result.exit_code == 0 and "voorbeeld-wethouder" in result.output and "actief" in result.output
    result = runner.invoke(args=["questionnaire", "list", "--org", "Gemeente Elders"])
    assert result.exit_code == 0 and "kandidaat-wethouder" in result.output
    assert "voorbeeld-wethouder" not in result.output
    assert "voorbeeld-wethouder" not in runner.invoke(args=["questionnaire", "list"]).output


def test_demo_and_the_old_instance_folder(app, app_ctx, make_app, instance_dir):
    """The issue's case: a questionnaire file in the old instance/questionnaires/ reached every organisation
    and `demo` gave the demo wethouder the wrong one. The folder is no longer read; demo gets the shipped one."""
    from integrity_tool.services import demo

    legacy = instance_dir / "questionnaires"
    legacy.mkdir(exist_ok=True)
    stray = legacy / "aaa-eerst.yaml"
    stray.write_text(example_yaml().replace("id: voorbeeld-wethouder", "id: aaa-eerst"), encoding="utf-8")
    try:
        other = make_app()
        with other.app_context():
            assert "aaa-eerst" not in {q.id for q in other.extensions["integrity_tool.catalog"].all()}
    finally:
        stray.unlink()
    assert demo.seed_demo() is not None
    dossier = db.session.scalars(select(Dossier)).one()
    assert dossier.questionnaire_id == "kandidaat-wethouder"


def test_english_administrator_sees_load_errors_in_english_with_the_line(client, admin, org):
    """Load errors are message ids with parameters: English on the English page, line number and path as
    they are; the CLI's ``questionnaire validate`` still prints them in Dutch."""
    admin.language = "en"
    db.session.commit()
    login(client, admin)
    r = _upload(client, "id: x\n  version: [", "syntax.yaml")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "syntax.yaml:2: (document): YAML syntax error:" in html and "(check the indentation)" in html
    assert "YAML-syntaxfout" not in html and "controleer de inspringing" not in html
    broken = example_yaml().replace("type: yesno", "type: janee", 1)
    line = broken.split("\n").index(next(x for x in broken.split("\n") if "type: janee" in x)) + 1
    html = _upload(client, broken, "kapot.yaml").get_data(as_text=True)
    assert f"kapot.yaml:{line}: " in html and "unknown question type &#39;janee&#39;; choose from: yesno" in html
    assert "onbekend vraagtype" not in html
    cond = example_yaml().replace("risks:", "risks:\n  - {id: extra, theme: x, level: hoog, when: {is_ja: a}, "
                                  "explanation: x, legal: x}", 1)
    html = _upload(client, cond, "cond.yaml").get_data(as_text=True)
    assert "unknown operator &#39;is_ja&#39;; choose from:" in html and "onbekende operator" not in html
    with pytest.raises(oq.UploadInvalid) as exc:  # the Dutch text stays for the CLI and logs
        oq.upload(admin, b"id: x\n  version: [", "syntax.yaml")
    assert str(exc.value.errors[0]).startswith("syntax.yaml:2: (document): YAML-syntaxfout")
