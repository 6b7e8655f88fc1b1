"""The import rule of docs/architecture.md, checked on the code: every import runs down a floor.

Each module of integrity_tool/ belongs to a room (its top-level module or package); rooms stand
on floors. A module may import its own room and rooms on *lower* floors only, so rooms on one
floor are independent of each other (signing knows no pdf, web knows no cli). The one arrow up:
cli -> integrity_tool (create_app), because the command line is a composition root. Migrations
stand apart. Function-local imports count like any other.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import integrity_tool

ROOT = Path(integrity_tool.__file__).parent
PACKAGE = "integrity_tool"

FLOORS = [
    # the foundation: which text and numbers are accepted (textcheck.py) and the domain vocabulary
    # (vocabulary.py: levels, outcomes, measure owners); pure, every room may use them
    {"textcheck", "vocabulary"},
    # 0: the ground floor, each room on its own
    {"config", "extensions", "crypto", "mail", "logging_redact", "questionnaire", "signing", "xlsx"},
    # 1: pure rooms on the definition language and its value conventions: the rule engine, the PDFs
    {"scoring", "pdf"},
    # 2: rendering + signing
    {"render_pool"},
    {"models"},
    {"audit"},
    {"services"},
    {"web", "cli"},
    {"__init__"},  # create_app: the composition root
]
ALLOWED_UP = {("cli", "__init__")}
APART = {"migrations"}
# No Flask, no database: usable in a spawned process, a CLI without app, or a unit test.
PURE = {"questionnaire", "scoring", "pdf", "signing", "crypto", "render_pool", "mail", "xlsx", "textcheck",
        "vocabulary"}
FRAMEWORK = {"flask", "flask_babel", "flask_login", "flask_migrate", "flask_sqlalchemy", "flask_wtf", "sqlalchemy",
             "werkzeug", "alembic"}

FLOOR_OF = {room: floor for floor, rooms in enumerate(FLOORS) for room in rooms}


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:  # `from . import signing` imports a module; `from .. import create_app` a name
                full = f"{base}.{alias.name}"
                found.append((node.lineno, full if full in MODULES else base))
    return found


def _edges():
    for module, path in sorted(MODULES.items()):
        room = _room(module)
        if room in APART:
            continue
        for line, target in _imports(module, path):
            yield room, f"{path.relative_to(ROOT.parent)}:{line}", target


def test_every_room_stands_on_a_floor():
    rooms = {_room(m) for m in MODULES} - APART
    assert rooms == set(FLOOR_OF), f"put new rooms on a floor in FLOORS: {sorted(rooms - set(FLOOR_OF))}"


def test_the_scan_sees_the_arrows():
    # guards the test below against passing because it reads nothing
    arrows = {(room, _room(target)) for room, _where, target in _edges() if target.startswith(PACKAGE)}
    assert {("services", "models"), ("scoring", "questionnaire"), ("render_pool", "signing"),
            ("cli", "__init__"), ("web", "services")} <= arrows
    assert ("questionnaire", "flask") not in arrows


def violations() -> list[str]:
    found = []
    for room, where, target in _edges():
        top = target.split(".")[0]
        if room in PURE and top in FRAMEWORK:
            found.append(f"{where}: {room} is pure but imports {target}")
        if top != PACKAGE:
            continue
        other = _room(target)
        if other in APART:
            found.append(f"{where}: imports {target} (migrations stand apart)")
        elif other != room and FLOOR_OF[other] >= FLOOR_OF[room] and (room, other) not in ALLOWED_UP:
            side = "up" if FLOOR_OF[other] > FLOOR_OF[room] else "sideways"
            found.append(f"{where}: {room} (floor {FLOOR_OF[room]}) imports {side} from {target} "
                         f"(floor {FLOOR_OF[other]})")
    return found


def test_imports_only_go_down():
    assert violations() == []


@pytest.mark.parametrize("room,target,expected", [
    ("questionnaire", "integrity_tool.scoring.engine", "imports up"),
    ("signing", "integrity_tool.crypto", "imports sideways"),
    ("signing", "integrity_tool.pdf.styles", "imports up"),
    ("services", "integrity_tool.web.hooks", "imports up"),
    ("services", "integrity_tool", "imports up"),
    ("pdf", "flask", "is pure"),
])
def test_a_violation_is_reported(monkeypatch, room, target, expected):
    planted = [(room, "planted.py:1", target)]
    monkeypatch.setattr(sys.modules[__name__], "_edges", lambda: iter(planted))
    assert len(violations()) == 1 and expected in violations()[0]
