"""services.notify: mail links come from endpoint names on the configured BASE_URL, in a request,
from the CLI and from cron alike; a renamed endpoint fails here instead of sending dead links."""
from __future__ import annotations

import ast
import email
from email import policy
from pathlib import Path

import pytest
from werkzeug.routing import BuildError

import integrity_tool
from integrity_tool.services import notify, review
from tests.conftest import outbox_messages

SERVICES = Path(integrity_tool.__file__).parent / "services"


def test_link_is_absolute_on_base_url_inside_and_outside_a_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://integriteit.example.nl/")
    with app.app_context():  # as in the CLI and cron: no request
        outside = notify.link("candidate_measures.home")
        verify = notify.link("public.landing", document_number="RI-2026-000001-V")
    with app.test_request_context("/", base_url="http://evil.example.com"):
        inside = notify.link("candidate_measures.home")
    assert outside == inside == "https://integriteit.example.nl/kandidaat/maatregelen/"
    assert verify == "https://integriteit.example.nl/verificatie/RI-2026-000001-V"


def test_link_keeps_a_path_in_base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://host.example.nl/integriteit")
    with app.app_context():
        assert notify.link("auth.login") == "https://host.example.nl/integriteit/inloggen"


def test_unknown_or_renamed_endpoint_fails(app):
    with app.app_context(), pytest.raises(BuildError):
        notify.link("candidate_measures.renamed")
    with app.app_context(), pytest.raises(BuildError):
        notify.link("public.landing")  # a value is missing


def _endpoints_named_in_services() -> set[str]:
    """String endpoints given to notify.link (arg 0) and notify_candidate (arg 3) in services/."""
    found = set()
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            index = {"link": 0, "notify_candidate": 3}.get(name)
            if index is None or len(node.args) <= index:
                continue
            for sub in ast.walk(node.args[index]):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    found.add(sub.value)
    return found


def test_every_endpoint_named_by_a_service_exists(app):
    named = _endpoints_named_in_services()
    assert {"candidate.home", "candidate_measures.home", "review.measures", "public.landing",
            "activation.password", "auth.login"} <= named
    assert named <= set(app.view_functions), named - set(app.view_functions)


def test_clarification_mail_links_to_the_candidates_measures_page(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://integriteit.example.nl")
    review.open_dossier(world.reviewer, world.dossier.public_id)
    review.request_clarification(world.reviewer, world.dossier, ["Waarom?"])
    msg = email.message_from_bytes(outbox_messages(app)[-1].read_bytes(), policy=policy.default)
    assert msg["To"] == world.candidate.email
    assert "https://integriteit.example.nl/kandidaat/maatregelen/" in msg.get_body(("plain",)).get_content()
