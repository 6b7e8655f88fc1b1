"""Load errors that always read ``file:line: path.to.node: message``."""
from __future__ import annotations


class QuestionnaireError(Exception):
    """One or more problems in a questionnaire file; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class ErrorCollector:
    """Collects error lines; keeps the first occurrence of each and preserves order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: str, line: int | None, path: str, message: str) -> None:
        text = f"{file}:{line or 0}: {path or '(document)'}: {message}"
        if text not in self.lines:
            self.lines.append(text)

    def raise_if_any(self) -> None:
        if self.lines:
            raise QuestionnaireError(self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)
