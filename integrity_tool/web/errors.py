"""Dutch error pages and the mapping of domain errors to responses, in one place."""
from __future__ import annotations

import logging

from flask import Flask, Response, flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import login_manager
from ..models import db
from ..services.errors import DomainError, NotFound
from .i18n import message_text

log = logging.getLogger("integrity_tool")

MESSAGES = {
    400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt. Controleer wat u heeft ingevuld en probeer het opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze actie is op deze manier niet toegestaan. Gebruik de knoppen op de pagina."),
    409: ("Niet mogelijk", "Deze actie is in de huidige situatie niet mogelijk."),
    413: ("Bestand te groot", "Het bestand of formulier is te groot. De limiet is 10 MB."),
    429: ("Te veel pogingen", "U heeft te vaak geprobeerd. Wacht even en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Uw eerder opgeslagen gegevens zijn bewaard. "
          "Probeer het later opnieuw."),
    503: ("Tijdelijk niet beschikbaar", "De dienst is tijdelijk niet beschikbaar. Er is niets opgeslagen van "
          "uw laatste actie. Probeer het over enkele minuten opnieuw."),
}


# Without the template (and so without knowing the reader's language): both languages, each marked.
FALLBACK_503 = ("<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Tijdelijk niet beschikbaar"
                " – Temporarily unavailable</title></head><body><main><h1>Tijdelijk niet beschikbaar</h1><p>De dienst "
                "is tijdelijk niet beschikbaar. Er is niets opgeslagen van uw laatste actie. Probeer het later "
                "opnieuw.</p><div lang=\"en\"><h2>Temporarily unavailable</h2><p>The service is temporarily "
                "unavailable. Nothing of your last action has been saved. Please try again later.</p></div></main>"
                "</body></html>")


def render_error(status: int, message: str | None = None, title: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=_(title or default_title),
                           message=_(message or default_message)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, "Het formulier is verlopen of ongeldig (beveiligingscontrole). Uw invoer is niet "
                                 "verwerkt. Ga terug, vernieuw de pagina en probeer het opnieuw.",
                            "Formulier verlopen")

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if isinstance(exc, NotFound):
            return render_error(404)
        if request.method == "POST" and request.referrer and exc.status in (400, 409):
            flash(message_text(exc), "error")
            return redirect(request.referrer)
        return render_error(exc.status, message_text(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code in MESSAGES:
            return render_error(exc.code)
        return exc

    @app.errorhandler(DataError)
    def bad_data(exc):
        # A value the database refuses (out of range, wrong type, NUL): caused by input, not by an
        # outage, so it is a 400 with a message, never the "database down" page. The forms bound
        # their numbers (textcheck.bounded_int); this is the net under them.
        db.session.rollback()
        log.warning("database refused a value: %s", exc.__class__.__name__)
        return render_error(400, "Een van de ingevulde waarden kan niet worden opgeslagen (bijvoorbeeld een te "
                                 "groot getal). Er is niets gewijzigd. Controleer uw invoer en probeer het opnieuw.")

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_down(exc):
        try:
            db.session.rollback()
        except Exception:  # the connection itself may be gone
            pass
        log.error("database error: %s", exc.__class__.__name__)
        # The error page must not need the database: loading the user (for the language and the
        # menu) would fail again and turn this into a bare English 500.
        g._login_user = login_manager.anonymous_user()
        try:
            return render_error(503)
        except Exception:
            log.exception("rendering the 503 page failed")
            return Response(FALLBACK_503, 503, mimetype="text/html")

    @app.errorhandler(Exception)
    def unexpected(exc):
        db.session.rollback()
        log.exception("unhandled error")
        return render_error(500)
