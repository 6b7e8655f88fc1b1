"""Load errors that always read ``file:line: path.to.node: message``.

Each message is a Dutch *message id* with named parameters (``Problem("dubbele id '%(id)s'", id=...)``,
or the id and parameters passed to ``ErrorCollector.add``), like ``services.errors.Msg`` one floor up:
as a str it is the Dutch text with the parameters filled in (the CLI, logs, tests), and a page
translates the id in the reader's language (``services.org_questionnaires.UploadInvalid`` turns each
line into a ``Msg``). The ``file:line: path`` part is never translated.
"""
from __future__ import annotations

LINE = "%(where)s: %(message)s"  # a layout, never in the catalogue


class Problem(str):
    """A Dutch message id with named parameters; as a str the Dutch text with the parameters filled in."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params
        return self

    def __repr__(self) -> str:
        return f"Problem({self.msgid!r}, **{self.params!r})"


class QuestionnaireError(Exception):
    """One or more problems in a questionnaire file; ``errors`` holds one line per problem (a ``Problem``
    with the layout ``LINE``: ``where`` = ``file:line: path``, ``message`` = the message's Problem)."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class ErrorCollector:
    """Collects error lines; keeps the first occurrence of each and preserves order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: str, line: int | None, path: str, message: str, /, **params) -> None:
        """``message``: a Dutch message id with ``%(name)s`` parameters given as ``params`` (or a Problem)."""
        if not isinstance(message, Problem):
            message = Problem(message, **params)
        text = Problem(LINE, where=f"{file}:{line or 0}: {path or '(document)'}", message=message)
        if text not in self.lines:
            self.lines.append(text)

    def raise_if_any(self) -> None:
        if self.lines:
            raise QuestionnaireError(self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)
