"""The reviewer's pages in English: questionnaire texts, findings, answers, interview questions and
catalogue measures come from the *_en texts, while the stored (signed) snapshot stays Dutch."""
from __future__ import annotations

import copy
import re
import shutil
from datetime import date, timedelta

import pytest

from integrity_tool.models import Submission, db
from integrity_tool.questionnaire import SHIPPED_DIR, load_questionnaire
from integrity_tool.scoring import evaluate, localize_findings
from integrity_tool.services import measures, review, runtime, snapshot
from tests.conftest import login
from tests.review.helpers import base_answers

# Dutch words that must not appear in the English pages outside user data (names, typed text).
DUTCH = re.compile(r"\b(de|het|een|niet|voor|uw|Ja|Nee|kandidaat|bevinding|maatregel|gesprek|vragenlijst|"
                   r"nevenfunctie|onderneming|gemeente|wethouder)\b")


@pytest.fixture
def world(make_dossier):
    w = make_dossier.world("ingediend", answers=base_answers())
    w.reviewer.language = "en"
    db.session.commit()
    return w


def _visible(html: str) -> str:
    """Visible text without user data of this world (names, organisation, typed answers)."""
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<[^>]+lang="nl"[^>]*>.*?</[a-z0-9]+>', " ", body, flags=re.S)  # the language switch
    text = re.sub(r"<[^>]+>", " ", body)
    for user_data in ("Anna de Vries", "Stichting Dorpshuis De Linde", "Voetbalclub SV Vooruit", "Voorzitter",
                      "Penningmeester", "Adviesbureau Zilvermeeuw Geheim", "Gemeente Voorbeeld", "Financiën",
                      "Wethouder", "Verklaring Omtrent het Gedrag"):  # the last: the certificate's Dutch name
        text = text.replace(user_data, " ")
    text = re.sub(r"\b(Gemeentewet|Algemene wet bestuursrecht|Provinciewet|Waterschapswet)\b[^.;\n]*", " ", text)
    return re.sub(r"\s+", " ", text)


def test_dossier_page_in_english(app, client, world):
    login(client, world.reviewer)
    html = client.get(f"/beoordeling/dossier/{world.dossier.public_id}").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Integrity risk assessment questionnaire for candidate aldermen" in html
    assert "Secondary positions and income" in html                      # a theme title
    assert "Does the organisation have a relationship with the municipality?" in html  # a label in a finding
    assert "Receives subsidy" in html                                    # a choice answer
    assert ">Yes<" in html and ">Ja<" not in html                       # yes/no answers
    assert "Give up the secondary position before taking office" in html  # a suggested measure by title
    assert "Will you give up the position at Stichting Dorpshuis De Linde before you are installed?" in html
    found = DUTCH.findall(_visible(html))
    assert not found, found


def test_the_signed_snapshot_stays_dutch(app, client, world):
    sub = snapshot.latest_submission(world.dossier)
    before = copy.deepcopy(sub.payload)
    login(client, world.reviewer)
    client.get(f"/beoordeling/dossier/{world.dossier.public_id}")
    db.session.expire_all()
    after = db.session.get(Submission, sub.id).payload
    assert after == before
    assert any("Nevenfunctie" in f["explanation"] for f in after["findings"]["findings"])  # as submit stores it


def test_guide_clarification_changes_and_measures_pages_in_english(app, client, world):
    login(client, world.reviewer)
    pid = world.dossier.public_id
    review.open_dossier(world.reviewer, pid)
    guide = client.get(f"/beoordeling/dossier/{pid}/gespreksleidraad").get_data(as_text=True)
    assert "Will you give up the position at Stichting Dorpshuis De Linde" in guide
    assert "Publication in the register" in guide  # possible measures by their English title
    assert not DUTCH.findall(_visible(guide)), DUTCH.findall(_visible(guide))
    clar = client.get(f"/beoordeling/dossier/{pid}/toelichting").get_data(as_text=True)
    assert not DUTCH.findall(_visible(clar)), DUTCH.findall(_visible(clar))
    page = client.get(f"/beoordeling/dossier/{pid}/maatregelen").get_data(as_text=True)
    assert "Give up the secondary position before taking office" in page
    assert not DUTCH.findall(_visible(page)), DUTCH.findall(_visible(page))
    picked = client.get(f"/beoordeling/dossier/{pid}/maatregelen",
                        query_string={"voorstel": "nevenfunctie_neerleggen|nevenfunctie_relatie:0"}).get_data(as_text=True)
    assert "The candidate gives up the secondary position at Stichting Dorpshuis De Linde" in picked


def test_agreed_catalogue_measure_follows_the_reader(app, client, world):
    d = world.dossier
    review.open_dossier(world.reviewer, d.public_id)
    nl = runtime.catalog().measures["nevenfunctie_neerleggen"]
    text = nl.render({"organisatie": "Stichting Dorpshuis De Linde"})
    m = measures.propose_measure(world.reviewer, d, title=nl.title, description=text, owner="candidate",
                                 due_date=date.today() + timedelta(days=14), catalogue_id=nl.id)
    own = measures.propose_measure(world.reviewer, d, title="Eigen afspraak", description="Zelf geschreven.",
                                   owner="reviewer", due_date=date.today() + timedelta(days=14))
    assert measures.localized(m, "en") == (nl.title_en, nl.render({"organisatie": "Stichting Dorpshuis De Linde"}, "en"))
    assert measures.localized(m, "nl") == (nl.title, text)
    assert measures.localized(own, "en") == ("Eigen afspraak", "Zelf geschreven.")  # the reviewer's own words
    # chosen in the English interface, shown in Dutch to a Dutch reader
    m.title, m.description = measures.localized(m, "en")
    assert measures.localized(m, "nl") == (nl.title, text)
    login(client, world.reviewer)
    page = client.get(f"/beoordeling/dossier/{d.public_id}/maatregelen").get_data(as_text=True)
    assert nl.title_en in page and "Eigen afspraak" in page and nl.title not in page
    assert ">reviewer<" in page or "reviewer" in page


def test_localize_findings_by_rule_and_item():
    q = load_questionnaire(SHIPPED_DIR / "kandidaat-wethouder.yaml")
    answers = base_answers()
    stored = evaluate(q, answers).findings
    english = localize_findings(q, answers, stored, "en")
    assert [f.key for f in english] == [f.key for f in stored]
    assert [f.level for f in english] == [f.level for f in stored]
    relatie = next(f for f in english if f.key == "nevenfunctie_relatie:0")
    assert relatie.explanation.startswith("Secondary position (Voorzitter) at Stichting Dorpshuis De Linde")
    assert relatie.theme_title == "Secondary positions"
    assert localize_findings(q, answers, stored, "nl") == list(stored)
    fresh = evaluate(q, answers, lang="en").findings
    assert [(f.key, f.explanation, f.ask, f.answers, f.theme_title) for f in fresh] == \
        [(f.key, f.explanation, f.ask, f.answers, f.theme_title) for f in english]
    assert [f.context for f in english] == [f.context for f in stored]  # measure placeholders as stored
    # a finding whose rule no longer exists is shown as stored
    gone = stored[0].__class__.from_dict({**stored[0].to_dict(), "risk_id": "bestaat_niet"})
    assert localize_findings(q, answers, [gone], "en") == [gone]


def _dutch_only_questionnaire(tmp_path, monkeypatch):
    """The wethouder questionnaire with every English text stripped, installed in the catalogue."""
    own = tmp_path / "eigen.yaml"
    text = (SHIPPED_DIR / "kandidaat-wethouder.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^id: kandidaat-wethouder", "id: eigen-dutch", text, flags=re.M)
    own.write_text(text, encoding="utf-8")
    shutil.copytree(SHIPPED_DIR / "common", tmp_path / "common")
    for path in [own, *(tmp_path / "common").glob("*.yaml")]:  # strip every English text
        lines = path.read_text(encoding="utf-8").split("\n")
        out, skip = [], False
        for line in lines:
            if re.match(r"^\s*(- )?[a-z_]+_en: ", line):
                skip = line.rstrip().endswith(">-")
                continue
            if skip and line.startswith(" " * 6) and not re.match(r"^\s*(- )?[a-z_]+:", line):
                continue
            skip = False
            out.append(line)
        path.write_text("\n".join(out), encoding="utf-8")
    q = load_questionnaire(own)
    assert not q.has_english and q.content_language("en") == "nl"
    catalog = runtime.catalog()
    monkeypatch.setitem(catalog._by_id, q.id, {q.version: q})
    return q


def test_dutch_only_questionnaire_is_shown_in_dutch_with_one_notice(app, client, make_org, make_user, make_dossier,
                                                                     tmp_path, monkeypatch):
    q = _dutch_only_questionnaire(tmp_path, monkeypatch)
    reviewer = make_user("reviewer", make_org())
    reviewer.language = "en"
    db.session.commit()
    d = make_dossier("ingediend", org=reviewer.organisation, reviewer=reviewer, questionnaire_id=q.id, portfolio="",
                     answers=base_answers())
    login(client, reviewer)
    html = client.get(f"/beoordeling/dossier/{d.public_id}").get_data(as_text=True)
    assert html.count("This questionnaire is only available in Dutch") == 1
    assert 'lang="nl">Nevenfuncties en neveninkomsten<' in html
    assert "Secondary positions and income" not in html


def test_dutch_only_questionnaire_for_an_english_candidate(app, client, make_org, make_user, make_dossier, tmp_path,
                                                            monkeypatch):
    """The candidate's pages say once that the questionnaire is Dutch-only and mark its texts lang="nl";
    the interface around it stays English."""
    q = _dutch_only_questionnaire(tmp_path, monkeypatch)
    reviewer = make_user("reviewer", make_org())
    d = make_dossier(org=reviewer.organisation, reviewer=reviewer, questionnaire_id=q.id, portfolio="",
                     name="Anna de Vries")
    candidate = d.candidate
    candidate.language = "en"
    db.session.commit()
    login(client, candidate)
    notice = "This questionnaire is only available in Dutch"
    overview = client.get(f"/kandidaat/dossier/{d.public_id}/").get_data(as_text=True)
    assert overview.count(notice) == 1 and '<html lang="en"' in overview
    assert re.search(r'<h1 lang="nl">[^<]+</h1>', overview), overview[:2000]
    assert 'lang="nl">Nevenfuncties en neveninkomsten<' in overview and "Parts" in overview
    section = q.sections[0]
    html = client.get(f"/kandidaat/dossier/{d.public_id}/onderdeel/{section.id}").get_data(as_text=True)
    assert html.count(notice) == 1
    assert f'<h1 lang="nl">{section.title}</h1>' in html
    labels = re.findall(r'<(?:legend|label class="form-label")[^>]*>', html)
    assert labels and all('lang="nl"' in tag for tag in labels), labels
    assert "Save and continue" in html  # the interface itself is English


def test_descriptive_legal_basis_in_english_citations_as_they_are(app, client, world):
    login(client, world.reviewer)
    html = client.get(f"/beoordeling/dossier/{world.dossier.public_id}").get_data(as_text=True)
    assert "Integrity risk analysis (reputation)" in html          # omstreden_rol: a descriptive basis
    assert "Risicoanalyse integriteit" not in html
    assert "Gemeentewet art. 41c jo. art. 15" in html              # a citation reads the same
    sub = snapshot.latest_submission(world.dossier)
    stored = {f["key"]: f["legal"] for f in sub.payload["findings"]["findings"]}
    assert stored["omstreden_rol"] == "Risicoanalyse integriteit (reputatie)"  # the signed snapshot stays Dutch


def test_confidential_pdf_data_has_the_english_legal_basis(app, world):
    from integrity_tool.services import reports

    legal = {f.legal for f in reports.build_report_data(world.dossier, "vertrouwelijk", "en").findings}
    assert "Integrity risk analysis (reputation)" in legal, legal
    assert not any("Risicoanalyse" in text for text in legal)
    dutch = {f.legal for f in reports.build_report_data(world.dossier, "vertrouwelijk", "nl").findings}
    assert "Risicoanalyse integriteit (reputatie)" in dutch


def test_candidate_attention_list_gives_the_legal_basis_in_english():
    from integrity_tool.services.submission import blocking_issues

    q = load_questionnaire(SHIPPED_DIR / "kandidaat-wethouder.yaml")
    answers = {**base_answers(), "vog_aangevraagd": False}
    english = [a.legal for a in blocking_issues(q, answers, "en")]
    assert "Gemeentewet art. 36a (certificate of conduct (VOG) mandatory since 1-1-2023)" in english, english
    assert "Gemeentewet art. 36a (VOG verplicht sinds 1-1-2023)" in [a.legal for a in blocking_issues(q, answers, "nl")]
