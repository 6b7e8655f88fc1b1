"""Every blueprint and command is registered by name, and every endpoint the code links to exists.

Nothing is registered "when its module exists": a broken import or a renamed endpoint fails here,
not as a silently missing link or command.
"""
import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import integrity_tool
from integrity_tool.models import Role

ROOT = Path(integrity_tool.__file__).parent
TEMPLATES = ROOT.parent / "templates"
URL_FOR_IN_TEMPLATE = re.compile(r"""url_for\(\s*['"]([^'"]+)['"]""")

BLUEPRINTS = {"main", "auth", "candidate", "review", "griffie", "admin", "public", "register",
              "candidate_measures", "activation", "invite", "platform", "sso", "admin_sso"}
COMMANDS = {"init", "org", "user", "demo", "demo-code", "questionnaire", "rotate-key", "signing", "audit", "purge",
            "backup", "restore", "reminders", "verify-pdf"}


def _template_endpoints() -> set[tuple[str, str]]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for name in URL_FOR_IN_TEMPLATE.findall(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(TEMPLATES)), name))
    return found


def _python_endpoints() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "url_for"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add((str(path.relative_to(ROOT)), node.args[0].value))
    return found


def test_scan_sees_the_links():
    # the scans themselves must find something, or the test below could never fail
    assert ("base.html", "public.verify") in _template_endpoints()
    assert any(name == "griffie.dossier" for _, name in _python_endpoints())


@pytest.mark.parametrize("where,endpoint", sorted(_template_endpoints() | _python_endpoints()))
def test_every_linked_endpoint_exists(app, where, endpoint):
    assert endpoint in app.view_functions, f"{where} links to unknown endpoint {endpoint!r}"


def test_start_page_for_every_role(app):
    from integrity_tool.web.hooks import start_page_for

    with app.test_request_context():
        pages = {role: start_page_for(SimpleNamespace(role=role)) for role in Role}
    assert len(set(pages.values())) == len(Role)  # no role falls back to a shared page


def test_every_blueprint_registered(app):
    assert set(app.blueprints) == BLUEPRINTS


def test_every_command_registered(app):
    assert COMMANDS <= set(app.cli.commands), COMMANDS - set(app.cli.commands)

