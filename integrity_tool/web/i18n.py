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
