"""Every e-mail of a dossier's life follows its reader's language (issue 14, point 3).

One dossier goes from review to sign-off and a measure reminder with an English-speaking candidate,
reviewer and griffier: every mail they get (review started, measures proposed, candidate responded,
signed off, completed, reminders) is English in subject, text and HTML, apart from names and what
people typed. The same run with Dutch readers stays Dutch. (Invitation, log-in code and clarification
request mails: tests/i18n/test_english.py.)
"""
from __future__ import annotations

import email
import re
from datetime import datetime, timedelta
from email import policy

from freezegun import freeze_time

from integrity_tool.models import db
from integrity_tool.services import measures
from tests.conftest import outbox_messages

from tests.factories import CONCLUSION, MENTIONABLE_TITLE, PRIVATE_TITLE, advance

DUTCH = re.compile(r"\b(de|het|een|niet|voor|uw|van|met|naar|beste|maatregel|maatregelen|risicoanalyse|"
                   r"beoordeling|kandidaat|inloggen|herinnering|uitgevoerd|afgerond|ondertekend|bestuurder|"
                   r"uiterlijk|gegevens|bewust)\b", re.I)


def _mails(app, after: int) -> list:
    out = []
    for path in outbox_messages(app)[after:]:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text = msg.get_body(preferencelist=("plain",)).get_content()
        html = msg.get_body(preferencelist=("html",)).get_content()
        out.append((str(msg["To"]), str(msg["Subject"]), text, html))
    return out


def _run(app, world, language: str):
    for user in (world.candidate, world.reviewer, world.griffier):
        user.language = language
    db.session.commit()
    before = len(outbox_messages(app))
    due = datetime.now().date() + timedelta(days=30)
    advance(world.dossier, "afgerond", due=due)
    with freeze_time(datetime.combine(due - timedelta(days=10), datetime.min.time()) + timedelta(hours=10)):
        sent, _skipped = measures.send_reminders()
    assert sent == 2  # one measure for the candidate, one for the griffier
    return _mails(app, before)


def test_every_mail_of_the_dossier_in_english(app, world):
    mails = _run(app, world, "en")
    people = (world.candidate.name, world.reviewer.name, world.griffier.name, world.org.name, MENTIONABLE_TITLE,
              PRIVATE_TITLE, CONCLUSION)
    subjects = {subject for _to, subject, _t, _h in mails}
    assert len(mails) >= 6 and len(subjects) >= 5, subjects
    recipients = {to for to, *_ in mails}
    assert {world.candidate.email, world.reviewer.email, world.griffier.email} <= recipients
    problems = []
    for to, subject, text, html in mails:
        assert 'lang="en"' in html, subject
        body = re.sub(r"<[^>]+>", " ", html.split("<body", 1)[-1])
        for part in (subject, text, body):
            for data in people:
                part = part.replace(data, " ")
            part = re.sub(r"https?://\S+", " ", part)
            found = DUTCH.findall(part)
            if found:
                problems.append(f"{to} / {subject!r}: {sorted(set(found))} in {part[:300]!r}")
    assert not problems, "\n".join(problems)
    assert any(s.startswith("Reminder") for s in subjects), subjects


def test_the_same_mails_stay_dutch_for_dutch_readers(app, world):
    mails = _run(app, world, "nl")
    assert mails and all(text.startswith("Beste ") for _to, _s, text, _h in mails)
    assert any(s.startswith("Herinnering") for _to, s, _t, _h in mails)

