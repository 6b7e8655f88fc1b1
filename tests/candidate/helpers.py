"""Build valid form posts for the candidate pages straight from the questionnaire definition."""
from __future__ import annotations

import re

import pyotp

from integrity_tool.questionnaire import default_catalog, examples, is_visible
from tests.conftest import TEST_PASSWORD, extract_link, outbox_messages

QID = "kandidaat-wethouder"

# Answers that differ from the defaults below: an eligible candidate with a few nevenfuncties.
YES = {"ingezetene", "kiesgerechtigd", "vog_aangevraagd", "cv_juist", "heeft_nevenfuncties", "kent_gedragscode",
       "verklaring_waarheid", "toestemming_privacy", "betaald", "behouden"}

NEVENFUNCTIES = [
    {"omschrijving": "Voorzitter", "organisatie": "Sportclub De Bal", "kvk": "12345678", "betaald": "nee",
     "qq": "nee", "relatie_overheid": ["geen"], "behouden": "ja", "uren_per_maand": "4"},
    {"omschrijving": "Bestuurslid", "organisatie": "Stichting Buurtzorg Zuid", "betaald": "ja",
     "bedrag_per_jaar": "1.250,50", "qq": "nee", "relatie_overheid": ["subsidie"], "behouden": "nee"},
    {"omschrijving": "Adviseur", "organisatie": "Coöperatie Groen & Co", "kvk": "87654321", "betaald": "ja",
     "bedrag_per_jaar": "300", "qq": "ja", "relatie_overheid": ["geen"], "behouden": "ja",
     "uren_per_maand": "2"},
]


def questionnaire():
    return default_catalog().get(QID)


def form_value(q, overrides: dict | None = None):
    """A valid typed value for a question, as the browser would post it."""
    return examples.form_value(q, yes=YES, overrides=overrides)


def stored_value(q, value):
    """What the server will store for a form value (only as far as conditions need it)."""
    if q.type == "yesno":
        return value == "ja"
    return value


def section_post(qn, section, answers: dict, version, action="next", overrides=None) -> dict:
    """The post of one section page with every visible question answered; updates ``answers``."""
    data = {"version": str(version), "action": action}
    for q in section.questions:
        if q.type == "repeat" or not is_visible(qn, q, answers):
            answers.pop(q.id, None)
            continue
        value = form_value(q, overrides)
        data[q.id] = value
        answers[q.id] = stored_value(q, value)
    return data


def item_post(qn, repeat, answers: dict, item: dict, version) -> dict:
    data = {"version": str(version), "action": "save"}
    seen: dict = {}
    for sub in repeat.questions:
        if not is_visible(qn, sub, answers, item={k: stored_value(repeat.sub(k), v) for k, v in seen.items()}):
            continue
        value = item[sub.id] if sub.id in item else form_value(sub)
        data[sub.id] = value
        seen[sub.id] = value
    return data


def version_of(html: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(r'value="(\d+)"[^>]*name="version"', html)
    assert match, html[:2000]
    return match.group(1)


def activate(app, client, password: str = TEST_PASSWORD) -> str:
    """Use the newest invitation e-mail: set a password and TOTP, accept the privacy statement.
    Returns the TOTP secret."""
    link = extract_link(outbox_messages(app)[-1])
    path = "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200
    r = client.post(path, data={"password": password, "repeat": password})
    assert r.status_code == 302 and r.location.endswith("/tweestaps"), r.get_data(as_text=True)[:800]
    page = client.get(r.location).get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    r = client.post(path + "/tweestaps", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302 and r.location.endswith("/privacy"), r.get_data(as_text=True)[:800]
    r = client.post(path + "/privacy", data={"accept": "y"})
    assert r.status_code == 302 and r.location.endswith("/account/herstelcodes"), r.get_data(as_text=True)[:800]
    return secret


def to_stored(q, value):
    """The stored form of a typed value (for filling a dossier directly)."""
    from integrity_tool.questionnaire.values import parse_amount, parse_date

    if q.type == "yesno":
        return value == "ja"
    if q.type == "money":
        return f"{parse_amount(value):.2f}"
    if q.type == "date":
        return parse_date(value).isoformat()
    if q.type == "number":
        return int(value)
    return value


def complete_answers(qn=None, items=None) -> dict:
    """A complete, valid set of stored answers for the whole questionnaire."""
    qn = qn or questionnaire()
    answers: dict = {}
    for section in qn.sections:
        for q in section.questions:
            if not is_visible(qn, q, answers):
                continue
            if q.type == "repeat":
                source = items if (items is not None and q.id == "nevenfuncties") else [{}]
                stored_items = []
                for raw in source:
                    item: dict = {}
                    for sub in q.questions:
                        if is_visible(qn, sub, answers, item=item):
                            item[sub.id] = to_stored(sub, raw.get(sub.id, form_value(sub)))
                    stored_items.append(item)
                answers[q.id] = stored_items
            else:
                answers[q.id] = to_stored(q, form_value(q))
    return answers


def fill_dossier(dossier, answers=None):
    from integrity_tool.models import db
    from integrity_tool.services.answers import progress

    qn = questionnaire()
    dossier.answers = answers if answers is not None else complete_answers(qn, NEVENFUNCTIES)
    prog = progress(qn, dossier.answers)
    dossier.progress_done, dossier.progress_total = prog.done, prog.total
    dossier.version += 1
    db.session.commit()
    return dossier
