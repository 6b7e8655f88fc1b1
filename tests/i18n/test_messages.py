"""Every message a person sees goes through the translation catalogue (issue 14, point 2).

Services raise domain errors with a Dutch *message id* and parameters (``InvalidInput("Er bestaat al een
ronde met de naam '%(name)s'.", name=name)``); the web layer translates the id and fills in the
parameters in the reader's language (``web.i18n.message_text``). A message formatted in Dutch inside a
service (an f-string, ``+``, ``%`` or ``.format``) cannot be translated: the static scan below fails on
it. Literal ids are found by the extractor (web/i18n_strings.py), so test_catalogue.py then demands
their English. The behaviour tests show the translated messages in the English interface.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from integrity_tool.models import db
from integrity_tool.services.errors import InvalidInput, Msg, joined
from integrity_tool.web.i18n_strings import CALLS
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "integrity_tool"
# Errors of commands an operator runs (backup, key rotation, audit checkpoints, demo, instance set-up):
# the CLI speaks Dutch only and these never reach a page.
CLI_ONLY = {"backup.py", "checkpoints.py", "keys.py", "demo.py", "instance.py"}
# Calls whose first argument is a message shown to a person.
MESSAGE_CALLS = set(CALLS) | {"flash", "CheckpointError", "KeyRotationError"}
# Calls that produce a translated or translatable message (allowed as the argument).
TRANSLATING = {"_", "gettext", "ngettext", "lazy_gettext", "_l", "message_text", "Msg", "joined", "as_msg",
               "_first_error"}


def _formatted_in_place(node: ast.AST) -> str | None:
    """Why ``node`` is text formatted where it is written (so untranslatable), or None."""
    if isinstance(node, ast.JoinedStr):
        return "f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)) and any(
            isinstance(side, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(side, "value", ""), str)
            for side in (node.left, node.right)):
        return "string + / %"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join") \
            and isinstance(node.func.value, (ast.Constant, ast.JoinedStr)):
        return f"str.{node.func.attr}()"
    if isinstance(node, ast.IfExp):
        return _formatted_in_place(node.body) or _formatted_in_place(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return next((why for why in map(_formatted_in_place, node.elts) if why), None)
    return None


def _name(func: ast.AST) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def untranslatable_messages(source: str, filename: str) -> list[str]:
    """file:line for every message argument formatted in Dutch where it is written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        args: list[ast.AST] = []
        if name in MESSAGE_CALLS:
            args = node.args[:1] + [k.value for k in node.keywords if k.arg in ("message", "errors", "subject")]
        elif name == "append" and isinstance(node.func.value, ast.Name) and node.func.value.id in ("problems", "errors"):
            args = node.args[:1]
        elif name == "InvitationState":
            args = node.args[2:3]
        for arg in args:
            why = _formatted_in_place(arg)
            if why:
                found.append(f"{filename}:{node.lineno}: {why} in {name}(): {ast.unparse(arg)[:100]}")
    return found


def _sources():
    for directory in ("services", "web"):
        for path in sorted((PACKAGE / directory).glob("*.py")):
            if path.name not in CLI_ONLY:
                yield path


def test_no_message_is_formatted_in_dutch_in_services_or_views():
    problems = []
    for path in _sources():
        problems += untranslatable_messages(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not problems, ("messages formatted in Dutch where they are raised/flashed; pass a message id with "
                          "parameters instead (services/errors.py):\n" + "\n".join(problems))


@pytest.mark.parametrize("source", [
    'raise InvalidInput(f"Er bestaat al een ronde met de naam {name}.")',
    'raise StateError("Er zijn " + str(n) + " fouten.")',
    'raise NotFound("Onbekend: %s" % key)',
    'raise Conflict("Gewijzigd door {}".format(who))',
    'flash(f"{field}: {error}", "error")',
    'problems.append(f"Rij {n} is fout")',
    'raise UploadError([f"Rij {n}: fout"])',
])
def test_the_scan_catches_dutch_formatted_in_place(source):
    assert untranslatable_messages(source, "x.py"), source


@pytest.mark.parametrize("source", [
    'raise InvalidInput("Er bestaat al een ronde met de naam \'%(name)s\'.", name=name)',
    'raise StateError(MESSAGES[action])',
    'flash(_("Opgeslagen."), "success")',
    'problems.append(Msg("Rij %(number)s is fout", number=n))',
])
def test_the_scan_allows_message_ids(source):
    assert not untranslatable_messages(source, "x.py"), source


# --------------------------------------------------------------------------- translated where shown

def test_domain_error_keeps_id_and_parameters_and_reads_dutch():
    exc = InvalidInput("Er bestaat al een ronde met de naam '%(name)s'.", name="Ronde 100%")
    assert exc.msgid == "Er bestaat al een ronde met de naam '%(name)s'."
    assert exc.params == {"name": "Ronde 100%"}
    assert str(exc) == exc.message == "Er bestaat al een ronde met de naam 'Ronde 100%'."


def test_message_text_translates_id_parameters_and_terms(app):
    from flask_babel import force_locale

    from integrity_tool.web.i18n import message_text

    too_long = InvalidInput("%(what)s is te lang (maximaal %(limit)s tekens).", what=Msg("de naam"), limit=200)
    assert str(too_long) == "De naam is te lang (maximaal 200 tekens)."
    both = joined([Msg("Het dossier is niet in behandeling."),
                   Msg("De kandidaat heeft nog niet gereageerd op %(count)s maatregel(en).", count=2)])
    with app.test_request_context():
        with force_locale("en"):
            assert message_text(too_long) == "The name is too long (at most 200 characters)."
            assert message_text(InvalidInput("Er bestaat al een ronde met de naam '%(name)s'.", name="Voorjaar")) \
                == "A round named 'Voorjaar' already exists."
            assert "has not yet responded to 2 measure(s)" in message_text(both)
            assert "niet" not in message_text(both)
            assert message_text("Het bestand is leeg.") == "The file is empty."
        with force_locale("nl"):
            assert message_text(too_long) == "De naam is te lang (maximaal 200 tekens)."


def test_every_domain_error_message_of_the_services_is_in_the_catalogue():
    """The literal ids raised by the services are translated (so no Dutch id slips past the extractor)."""
    from babel.messages.pofile import read_po

    with (PACKAGE / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = {m.id: m.string for m in read_po(fh, locale="en") if m.id}
    names = {n for n in MESSAGE_CALLS if n not in ("flash", "send_mail", "notify_candidate", "render_error")}
    missing = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in names and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                if not catalogue.get(node.args[0].value):
                    missing.append(f"{path.name}:{node.lineno}: {node.args[0].value[:80]}")
    assert not missing, "untranslated messages (run scripts/update-translations):\n" + "\n".join(missing)


def test_service_messages_with_parameters_reach_the_english_reader(client, make_org, make_user):
    """Through the pages: a service raises an id with parameters, the English-speaking griffier reads English."""
    org = make_org("Gemeente Voorbeeld")
    griffier = make_user("griffier", org, name="Greet Griffier")
    griffier.language = "en"
    db.session.commit()
    login(client, griffier)
    assert client.post("/griffie/rondes", data={"name": "Voorjaar 2027"}).status_code == 302
    response = client.post("/griffie/rondes", data={"name": "Voorjaar 2027"},
                           headers={"Referer": "http://localhost/griffie/rondes"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "A round named &#39;Voorjaar 2027&#39; already exists." in html, html[:3000]
    assert "Er bestaat al" not in html


def test_wrong_password_message_follows_the_session_language(client, make_org, make_user):
    """The log-in form shows the service's message in the chosen language (it used to stay Dutch)."""
    user = make_user("griffier", make_org("Gemeente Voorbeeld"))
    client.post("/taal/en", data={"next": "/inloggen"})
    html = client.post("/inloggen", data={"email": user.email, "password": "niet het wachtwoord"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert 'class="form-error"' in html
    errors = html.split('class="form-error"')[1].split("</p>")[0]
    assert "wachtwoord" not in errors.lower() and "password" in errors.lower(), errors
