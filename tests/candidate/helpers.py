"""Build valid form posts for the candidate pages straight from the questionnaire definition.

Dossiers and stored answers come from tests/factories.py (``make_dossier``, ``save_answers``,
``example_answers``); this module only builds what a browser would post.
"""
from __future__ import annotations

import re

import pyotp

from integrity_tool.questionnaire import is_visible
from tests.conftest import TEST_PASSWORD, extract_link, outbox_messages
from tests.factories import NEVENFUNCTIES, QID, form_value, questionnaire, to_stored  # noqa: F401 (used by tests)


def section_post(qn, section, answers: dict, version, action="next", overrides=None) -> dict:
    """The post of one section page with every visible question answered; updates ``answers``."""
    data = {"version": str(version), "action": action}
    for q in section.questions:
        if q.type == "repeat" or not is_visible(qn, q, answers):
            answers.pop(q.id, None)
            continue
        value = form_value(q, overrides)
        data[q.id] = value
        answers[q.id] = to_stored(q, value)
    return data


def item_post(qn, repeat, answers: dict, item: dict, version) -> dict:
    data = {"version": str(version), "action": "save"}
    seen: dict = {}
    for sub in repeat.questions:
        if not is_visible(qn, sub, answers, item={k: to_stored(repeat.sub(k), v) for k, v in seen.items()}):
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
