"""Outgoing mail: SMTP when configured, otherwise one .eml file per message in instance/outbox/."""
from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path


@dataclass(frozen=True)
class MailSettings:
    sender: str
    outbox: Path
    server: str | None = None
    port: int = 587
    use_tls: bool = True
    username: str | None = None
    password: str | None = None


def build_message(settings: MailSettings, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="integriteit.invalid")
    msg["Content-Language"] = "nl"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(settings: MailSettings, to: str, subject: str, text: str, html: str | None = None) -> str:
    """Send one message; returns the outbox file path or 'smtp'."""
    msg = build_message(settings, to, subject, text, html)
    if settings.server:
        with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
            if settings.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(msg)
        return "smtp"
    settings.outbox.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    tmp = settings.outbox / (name + ".tmp")
    tmp.write_bytes(bytes(msg))
    final = settings.outbox / name
    tmp.rename(final)  # atomic: readers never see a half-written message
    return str(final)
