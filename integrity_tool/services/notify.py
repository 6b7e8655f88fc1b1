"""The one place that writes e-mails about a dossier, and the one place that builds their links.

Links are built from endpoint names (``"candidate_measures.home"``), never from written paths, so a
renamed or moved route fails loudly (``werkzeug.routing.BuildError``) in the tests instead of
sending dead links. They are always absolute and on the configured ``BASE_URL``: the same link
whether the mail goes out during a web request (whatever Host header came in), from the CLI or
from cron, where there is no request at all. A path in ``BASE_URL`` (``https://host/integriteit``)
is kept as the script root.

Mails carry no answer content; the details are behind the log-in.
"""
from __future__ import annotations

import logging
import smtplib
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..models import Dossier, NotificationSent, Role, User, db
from . import runtime

__all__ = ["link", "notify_candidate", "tell", "TURN_KINDS", "TURN_LABELS", "enabled"]
log = logging.getLogger("integrity_tool")

# "It is your turn" mails (issue 13.6): kind -> (subject, message). Each kind can be switched off per
# organisation by its administrator (Organisation.notifications_off). {title} is the reviewer's office.
TURN_MESSAGES = {
    "ingediend": ("Een dossier wacht op uw beoordeling",
                  "Een kandidaat heeft de vragenlijst risicoanalyse integriteit ingediend. Log in om het dossier "
                  "te beoordelen."),
    "opnieuw_ingediend": ("Een dossier is opnieuw ingediend",
                          "Een kandidaat heeft de vragenlijst na uw vragen opnieuw ingediend. Log in om de "
                          "antwoorden en de wijzigingen te bekijken."),
    "maatregelen_gereageerd": ("De kandidaat heeft gereageerd op de maatregelen",
                               "De kandidaat heeft op alle voorgestelde maatregelen gereageerd. Log in om het "
                               "dossier af te ronden."),
    "ondertekend": ("Een risicoanalyse is afgerond en ondertekend",
                    "De {title} heeft een risicoanalyse integriteit afgerond en ondertekend. De samenvatting "
                    "staat klaar na inloggen."),
    "beoordeling_gestart": ("Uw risicoanalyse wordt beoordeeld",
                            "De {title} is begonnen met de beoordeling van uw vragenlijst. U hoeft nu niets te "
                            "doen; u krijgt bericht als er iets van u wordt gevraagd."),
}
TURN_KINDS = tuple(TURN_MESSAGES)
# For the administrator's settings: who gets which mail.
TURN_LABELS = {
    "ingediend": "Beoordelaar: een kandidaat heeft de vragenlijst ingediend",
    "opnieuw_ingediend": "Beoordelaar: een kandidaat heeft na vragen opnieuw ingediend",
    "maatregelen_gereageerd": "Beoordelaar: de kandidaat heeft op de maatregelen gereageerd",
    "ondertekend": "Griffier: een risicoanalyse is afgerond en ondertekend",
    "beoordeling_gestart": "Kandidaat: de beoordeling is begonnen",
}


def link(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` (as for ``url_for(endpoint, _external=True, **values)``) on
    the configured ``BASE_URL``; works inside and outside a request.

    :raise werkzeug.routing.BuildError: for an unknown endpoint or missing values.
    """
    base = urlsplit(runtime.config("BASE_URL").rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def notify_candidate(dossier: Dossier, subject: str, message: str, endpoint: str, **values) -> bool:
    """A short e-mail to the dossier's candidate (if still active) in their language, linking to
    ``endpoint``. ``{title}`` in ``message`` becomes the organisation's title for the reviewer.
    Sent after the caller committed: a mail server that cannot be reached is logged, not an error."""
    candidate = dossier.candidate
    if not candidate.active:
        return False
    title = dossier.organisation.labels["reviewer_title"]
    with force_locale(candidate.language or "nl"):  # the subject is translated by send_mail itself
        message = gettext(message).format(title=gettext(title))
    try:
        runtime.send_mail(candidate.email, "review_notice", subject, language=candidate.language, user=candidate,
                          message=message, link=link(endpoint, **values), organisation=dossier.organisation.name)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("bericht aan de kandidaat niet verzonden: %s", exc.__class__.__name__)
        return False
    return True


def enabled(organisation, kind: str) -> bool:
    return kind not in (organisation.notifications_off or [])


def reviewers_of(dossier: Dossier) -> list[User]:
    """The dossier's own reviewer, or (none assigned yet) every active reviewer of the organisation."""
    if dossier.reviewer is not None and dossier.reviewer.active:
        return [dossier.reviewer]
    return list(db.session.scalars(select(User).where(User.organisation_id == dossier.organisation_id,
                                                      User.role == Role.reviewer, User.active.is_(True))))


def griffiers_of(dossier: Dossier) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == dossier.organisation_id,
                                                      User.role == Role.griffier, User.active.is_(True))))


def tell(kind: str, dossier: Dossier, event: str, recipients: list[User], endpoint: str, **values) -> int:
    """Send the ``kind`` notice (a link, no content) once for ``event`` of this dossier.

    The ledger row (unique per dossier, kind and event) is committed before sending, so a double
    click or a parallel request sends nothing. Call after the state change is committed. A mail
    server that is down is logged, not raised: the person's own action has succeeded.
    Returns the number of mails sent.
    """
    organisation = dossier.organisation
    recipients = [u for u in recipients if u is not None and u.active]
    if not recipients or not enabled(organisation, kind):
        return 0
    try:
        db.session.add(NotificationSent(dossier_id=dossier.id, kind=kind, event=str(event)[:80]))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    subject, message = TURN_MESSAGES[kind]
    title = organisation.labels["reviewer_title"]
    url = link(endpoint, **values)
    sent = 0
    for user in recipients:
        with force_locale(user.language or "nl"):
            text = gettext(message).format(title=gettext(title))
        try:
            runtime.send_mail(user.email, "review_notice", subject, language=user.language, user=user,
                              message=text, link=url, organisation=organisation.name)
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("melding %s niet verzonden: %s", kind, exc.__class__.__name__)
    return sent
