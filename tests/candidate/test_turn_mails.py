"""Issue 13.6: people are told when it is their turn, by mail with a link and no content; once per
event (a double click sends one mail); the organisation's administrator can switch each kind off."""
from __future__ import annotations

import email
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from email import policy

from integrity_tool.models import Organisation, db
from integrity_tool.services import measures, review, signoff, submission
from tests.conftest import login, outbox_messages
from tests.factories import example_answers, fresh_code, save_answers



def _mails(app, to: str) -> list[tuple[str, str]]:
    out = []
    for path in outbox_messages(app):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if to in str(msg["To"]):
            out.append((str(msg["Subject"]), msg.get_body(preferencelist=("plain",)).get_content()))
    return out


def _subjects(app, to: str) -> list[str]:
    return [s for s, _b in _mails(app, to)]


def test_each_party_is_told_once_when_it_is_their_turn(app, candidate_client, reviewer, griffier):
    client, candidate, dossier = candidate_client
    save_answers(dossier, example_answers())
    url = f"/kandidaat/dossier/{dossier.public_id}/indienen"
    data = {"name": candidate.name, "confirm": "y"}
    db.session.commit()
    with ThreadPoolExecutor(max_workers=2) as pool:  # a double click
        list(pool.map(lambda _i: client.post(url, data=data), range(2)))
    mails = _mails(app, reviewer.email)
    assert [s for s, _b in mails] == ["Een dossier wacht op uw beoordeling"]
    body = mails[0][1]
    assert f"/beoordeling/dossier/{dossier.public_id}" in body and body.count("http") == 1
    assert candidate.name not in body and "Financiën" not in body  # a link, no content

    # the burgemeester opens it: the candidate hears that the review started, once
    review.open_dossier(reviewer, dossier.public_id)
    review.open_dossier(reviewer, dossier.public_id)
    assert _subjects(app, candidate.email).count("Uw risicoanalyse wordt beoordeeld") == 1

    # clarification -> resubmission: the burgemeester is told again
    review.request_clarification(reviewer, dossier, ["Welke opdrachten lopen er nog?"])
    submission.submit(candidate, dossier, candidate.name, "127.0.0.1")
    assert "Een dossier is opnieuw ingediend" in _subjects(app, reviewer.email)
    review.open_dossier(reviewer, dossier.public_id)
    assert _subjects(app, candidate.email).count("Uw risicoanalyse wordt beoordeeld") == 2  # a new review round

    # the candidate reacts to every measure: one mail, after the last
    review.record_gesprek(reviewer, dossier, date.today(), "Burgemeester en kandidaat", "Gesprek.")
    for key in [i.key for i in review.reviewed_findings(dossier) if i.level == "blokkerend"]:
        review.decide_finding(reviewer, dossier, key, "hoog", "Besproken en beheersbaar.")
    m1 = measures.propose_measure(reviewer, dossier, title="Training", description="Training gedragscode.",
                                  owner="candidate", due_date=None, ongoing=True)
    m2 = measures.propose_measure(reviewer, dossier, title="Register", description="Geschenken melden.",
                                  owner="candidate", due_date=None, ongoing=True)
    measures.send_to_candidate(reviewer, dossier)
    measures.respond(candidate, m1.public_id, accept=True)
    assert "De kandidaat heeft gereageerd op de maatregelen" not in _subjects(app, reviewer.email)
    measures.respond(candidate, m2.public_id, accept=False, response="Graag een andere termijn.")
    assert _subjects(app, reviewer.email).count("De kandidaat heeft gereageerd op de maatregelen") == 1

    # sign-off: the griffier is told
    signoff.save_conclusion(reviewer, dossier, "beheersbaar_met_afspraken", "Beheersbaar.")
    signoff.sign_off(reviewer, dossier, fresh_code(reviewer), expected_version=dossier.version)
    mails = _mails(app, griffier.email)
    assert [s for s, _b in mails] == ["Een risicoanalyse is afgerond en ondertekend"]
    assert f"/griffie/dossiers/{dossier.public_id}" in mails[0][1]


def test_the_administrator_switches_a_kind_off(app, make_user, org, make_dossier, reviewer):
    admin = make_user("admin", org)
    c = app.test_client()
    login(c, admin)
    page = c.get("/beheer/").get_data(as_text=True)
    assert 'name="mail_ingediend"' in page and "checked" in page.split('name="mail_ingediend"')[0][-200:] + \
        page.split('name="mail_ingediend"')[1][:100]
    form = {"retention_not_appointed_weeks": "4", "retention_appointed_months": "3",
            "mail_opnieuw_ingediend": "y", "mail_maatregelen_gereageerd": "y", "mail_ondertekend": "y",
            "mail_beoordeling_gestart": "y"}  # "ingediend" unticked
    assert c.post("/beheer/", data=form).status_code == 302
    assert db.session.get(Organisation, org.id).notifications_off == ["ingediend"]
    dossier = make_dossier(name="Kees Kandidaat")
    candidate = dossier.candidate
    save_answers(dossier, example_answers())
    submission.submit(candidate, dossier, candidate.name, "127.0.0.1")
    assert _subjects(app, reviewer.email) == []
    review.open_dossier(reviewer, dossier.public_id)  # other kinds still go out
    assert _subjects(app, candidate.email) == ["Uitnodiging: risicoanalyse integriteit",  # from make_dossier
                                               "Uw risicoanalyse wordt beoordeeld"]
