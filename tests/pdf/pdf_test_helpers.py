"""Small helpers shared by the PDF tests."""
from __future__ import annotations

import io

from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Whitespace-insensitive form for substring checks (extraction breaks lines)."""
    return "".join(text.split())
