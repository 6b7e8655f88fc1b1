"""Access to app-wide collaborators (config, catalogue, mail, throttle) for services."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from .. import mail


def config(key: str, default=None):
    return current_app.config.get(key, default)


def instance_dir() -> Path:
    return Path(current_app.instance_path)


def catalog():
    """The catalogue of shipped questionnaires (an organisation's own: services/org_questionnaires.py)."""
    return current_app.extensions["integrity_tool.catalog"]


def throttle():
    return current_app.extensions["integrity_tool.throttle"]


def mail_settings() -> mail.MailSettings:
    c = current_app.config
    return mail.MailSettings(
        sender=c["MAIL_SENDER"], outbox=instance_dir() / "outbox", server=c.get("MAIL_SERVER"),
        port=int(c.get("MAIL_PORT") or 587), use_tls=bool(c.get("MAIL_USE_TLS")),
        username=c.get("MAIL_USERNAME"), password=c.get("MAIL_PASSWORD"),
    )


def send_mail(to: str, template: str, subject: str, language: str = "nl", **context) -> str:
    """Render ``templates/mail/<template>.txt`` and ``.html`` in the recipient's language and send."""
    with force_locale(language or "nl"):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
        from flask_babel import gettext

        subject = gettext(subject)
    return mail.send(mail_settings(), to, subject, text, html)
