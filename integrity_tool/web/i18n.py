"""Language selection: the user's own setting, else the session's choice, else Dutch."""
from flask import current_app, has_request_context, session
from flask_login import current_user


def select_locale() -> str:
    if not has_request_context():
        return "nl"
    languages = current_app.config.get("LANGUAGES", ("nl", "en"))
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    lang = session.get("lang")
    return lang if lang in languages else "nl"


def message_text(message) -> str:
    """A message in the reader's language: a domain error, a ``Msg`` (message id + parameters; term
    parameters translated too) or a plain Dutch string (a catalogue msgid, or text already translated)."""
    from flask_babel import gettext

    from ..services.errors import DomainError, Msg, capitalise_if_term

    if isinstance(message, DomainError):
        message = message.as_msg()
    if not isinstance(message, Msg):
        return gettext(str(message)) if message else ""
    translated = gettext(message.msgid)
    if not message.params:
        return translated
    params = {k: message_text(v) if isinstance(v, Msg) else v for k, v in message.params.items()}
    try:
        text = translated % params
    except (KeyError, ValueError, TypeError):  # a broken translation must not hide the message
        text = message.msgid % params
    return capitalise_if_term(translated, message.params, text)
