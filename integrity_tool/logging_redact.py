"""gunicorn access log without secrets: single-use activation tokens in URL paths are masked."""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

# /activeren/<token>[/...]: the token is a credential until it is used or expires.
_TOKEN_PATH = re.compile(r"(/activeren/)[^/?#\s]+")


def redact_path(path: str | None) -> str | None:
    return _TOKEN_PATH.sub(r"\1***", path) if path else path


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U"))
        atoms["q"] = ""
        atoms["r"] = f"{atoms.get('m')} {atoms['U']} {atoms.get('H')}"  # request line without the query
        return atoms
