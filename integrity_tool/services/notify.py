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

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext

from ..models import Dossier
from . import runtime

__all__ = ["link", "notify_candidate"]


def link(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` (as for ``url_for(endpoint, _external=True, **values)``) on
    the configured ``BASE_URL``; works inside and outside a request.

    :raise werkzeug.routing.BuildError: for an unknown endpoint or missing values.
    """
    base = urlsplit(runtime.config("BASE_URL").rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def notify_candidate(dossier: Dossier, subject: str, message: str, endpoint: str, **values) -> None:
    """A short e-mail to the dossier's candidate (if still active) in their language, linking to
    ``endpoint``. ``{title}`` in ``message`` becomes the organisation's title for the reviewer."""
    candidate = dossier.candidate
    if not candidate.active:
        return
    title = dossier.organisation.labels["reviewer_title"]
    with force_locale(candidate.language or "nl"):  # the subject is translated by send_mail itself
        message = gettext(message).format(title=gettext(title))
    runtime.send_mail(candidate.email, "review_notice", subject, language=candidate.language, user=candidate,
                      message=message, link=link(endpoint, **values), organisation=dossier.organisation.name)
