"""Domain errors; mapped to a message or a 4xx in one place (web/errors.py).

A message is a Dutch message id plus parameters (``InvalidInput("Er bestaat al een ronde met de naam
'%(name)s'.", name=name)``), never text formatted here: the web layer translates the id into the
reader's language and fills in the parameters there (``web.i18n.message_text``). ``str(exc)`` and
``exc.message`` give the Dutch text with the parameters filled in (logs, the Dutch CLI, tests).
A parameter that is itself Dutch text (a term such as "de naam") is passed as ``Msg("de naam")`` and
translated along with the message; user data (names, e-mail addresses, numbers) is passed as is.
"""
from __future__ import annotations


class Msg(str):
    """A Dutch message id with named parameters, translated where it is shown (``web.i18n.message_text``).

    As a str it is the Dutch text with the parameters filled in, so code and tests that only need the
    Dutch text (the CLI, logs, ``"open plek" in problem``) treat it as the string it reads as."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        self = super().__new__(cls, format_dutch(msgid, params))
        self.msgid = msgid
        self.params = params
        return self

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"


def format_dutch(msgid: str, params: dict) -> str:
    """The Dutch text: parameters filled in, Dutch terms (Msg) as they are; a sentence that starts with
    a term starts with a capital."""
    if not params:
        return msgid
    text = msgid % params
    return capitalise_if_term(msgid, params, text)


def capitalise_if_term(msgid: str, params: dict, text: str) -> str:
    """A message that opens with a term parameter ("%(what)s is te lang") starts with a capital."""
    if msgid.startswith("%(") and isinstance(params.get(msgid[2:msgid.find(")")]), Msg) and text:
        return text[0].upper() + text[1:]
    return text


def joined(messages, *, sentences: bool = False) -> Msg:
    """Several messages as one, each translated where it is shown (with ``sentences``: each ends with a full
    stop). The id is only a layout ("%(p0)s %(p1)s"), never in the catalogue."""
    parts = [m if isinstance(m, Msg) else Msg(m) for m in messages]
    layout = " ".join(f"%(p{n})s" + ("." if sentences and not str(m).rstrip().endswith(".") else "")
                      for n, m in enumerate(parts))
    return Msg(layout, **{f"p{n}": m for n, m in enumerate(parts)})


class DomainError(Exception):
    """Base class. ``msgid`` + ``params`` are what the user is shown, in his or her language."""

    status = 400

    def __init__(self, message: str | Msg, **params):
        if isinstance(message, Msg):
            message, params = message.msgid, {**message.params, **params}
        self.msgid = message
        self.params = params
        super().__init__(format_dutch(message, params))

    @property
    def message(self) -> str:
        """The Dutch text, parameters filled in (the CLI, logs)."""
        return format_dutch(self.msgid, self.params)

    def as_msg(self) -> Msg:
        return Msg(self.msgid, **self.params)


class NotFound(DomainError):
    """Unknown, or not visible to this user: the two are indistinguishable on purpose."""

    status = 404

    def __init__(self, message: str | Msg = "Niet gevonden.", **params):
        super().__init__(message, **params)


class Forbidden(DomainError):
    status = 403


class StateError(DomainError):
    """The action is not allowed in the dossier's current state."""

    status = 409


class Conflict(DomainError):
    """Someone else changed the data in the meantime (optimistic locking)."""

    status = 409


class InvalidInput(DomainError):
    status = 400


class Throttled(DomainError):
    status = 429
