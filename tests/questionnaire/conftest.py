"""Helpers for questionnaire tests: a minimal valid questionnaire and a file writer."""
from __future__ import annotations

from pathlib import Path

import pytest

BASE = """\
schema: 1
id: test
version: "1"
title: Test
applies_to: [gemeente]
themes:
  - {id: t1, title: Thema, order: 1}
sections:
  - id: s1
    title: Sectie
    questions:
      - id: a
        type: yesno
        label: A?
        help: Hulp
      - id: b
        type: yesno
        label: B?
        help: Hulp
        show_if: {is_yes: a}
risks:
  - id: r1
    theme: t1
    level: hoog
    when: {is_yes: b}
    explanation: Uitleg
    legal: Wet
    measures: [verschoning]
"""


@pytest.fixture
def base() -> str:
    return BASE


@pytest.fixture
def write(tmp_path: Path):
    """write(text, name="q.yaml") -> Path of a file in a temporary directory."""
    def _write(text: str, name: str = "q.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    return _write
