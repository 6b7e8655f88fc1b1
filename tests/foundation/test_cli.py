"""Every CLI command, including its failure paths."""
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from integrity_tool.models import Organisation, User, db

from .test_wiring import COMMANDS


def test_org_create_and_duplicate(runner):
    result = runner.invoke(args=["org", "create", "--name", "Provincie Zuid", "--kind", "provincie"])
    assert result.exit_code == 0, result.output
    assert "Organisatie aangemaakt: Provincie Zuid (provincie)" in result.output
    result = runner.invoke(args=["org", "create", "--name", "Provincie Zuid", "--kind", "provincie"])
    assert result.exit_code == 1
    assert "Er bestaat al een organisatie" in result.output
    assert "Traceback" not in result.output


def test_org_create_unknown_kind(runner):
    result = runner.invoke(args=["org", "create", "--name", "X", "--kind", "stadsdeel"])
    assert result.exit_code == 1
    assert "Onbekende soort organisatie 'stadsdeel'" in result.output


def test_user_create_with_activation_link(runner, app_ctx):
    runner.invoke(args=["org", "create", "--name", "Gemeente Y", "--kind", "gemeente"])
    result = runner.invoke(args=["user", "create", "--email", "G@Example.nl", "--name", "Gea", "--role", "griffier",
                                 "--org", "Gemeente Y"])
    assert result.exit_code == 0, result.output
    assert "/activeren/" in result.output
    user = db.session.scalar(select(User).where(User.email == "g@example.nl"))
    assert user is not None and user.password_hash is None


def test_user_create_password_stdin(runner, app_ctx):
    runner.invoke(args=["org", "create", "--name", "Gemeente Z", "--kind", "gemeente"])
    result = runner.invoke(args=["user", "create", "--email", "b@z.nl", "--name", "Bob", "--role", "reviewer",
                                 "--org", "gemeente-z", "--password-stdin"], input="een lang en sterk wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "b@z.nl"))
    assert user.password_hash.startswith("$argon2id$")


def test_user_create_failures(runner):
    runner.invoke(args=["org", "create", "--name", "Gemeente Q", "--kind", "gemeente"])
    cases = [
        (["--email", "a@q.nl", "--name", "A", "--role", "griffier", "--org", "Onbekend"], "Onbekende organisatie"),
        (["--email", "a@q.nl", "--name", "A", "--role", "koning", "--org", "Gemeente Q"], "Onbekende rol 'koning'"),
        (["--email", "geen-adres", "--name", "A", "--role", "griffier", "--org", "Gemeente Q"], "geen geldig e-mailadres"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["user", "create", *args])
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    ok = runner.invoke(args=["user", "create", "--email", "d@q.nl", "--name", "D", "--role", "griffier", "--org", "Gemeente Q"])
    assert ok.exit_code == 0
    dup = runner.invoke(args=["user", "create", "--email", "D@q.nl", "--name", "D", "--role", "griffier", "--org", "Gemeente Q"])
    assert dup.exit_code == 1 and "Er bestaat al een gebruiker" in dup.output
    weak = runner.invoke(args=["user", "create", "--email", "e@q.nl", "--name", "E", "--role", "griffier",
                               "--org", "Gemeente Q", "--password-stdin"], input="kort\n")
    assert weak.exit_code == 1 and "minimaal 12 tekens" in weak.output


def test_demo_seeds_only_empty_database(runner, app_ctx):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Gemeente Voorbeeld" in result.output
    for email in ("griffier@voorbeeld.nl", "burgemeester@voorbeeld.nl", "kandidaat@voorbeeld.nl"):
        assert email in result.output
    assert "TOTP-sleutel" in result.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "al gegevens" in again.output
    assert db.session.scalar(select(db.func.count(Organisation.id))) == 1
    code = runner.invoke(args=["demo-code", " Kandidaat@voorbeeld.nl "])
    assert code.exit_code == 0 and re.fullmatch(r"\d{6}\n", code.output), code.output


def test_demo_code_only_for_demo_users(runner, make_user):
    user = make_user("griffier")
    result = runner.invoke(args=["demo-code", user.email])
    assert result.exit_code == 1 and "alleen voor demo-gebruikers" in result.output
    assert runner.invoke(args=["demo-code", "niemand@voorbeeld.nl"]).exit_code == 1


def test_init_creates_instance_and_is_idempotent(tmp_path):
    """Runs the real console script in a subprocess with its own instance folder."""
    env = dict(os.environ, INTEGRITY_TOOL_INSTANCE=str(tmp_path / "inst"))
    env.pop("DATABASE_URL", None)
    exe = Path(sys.executable).parent / "integrity-tool"
    # Before init, help still works, names what is available and creates nothing.
    early = subprocess.run([exe, "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert early.returncode == 0, early.stderr
    assert "init" in early.stdout and "restore" in early.stdout and "integrity-tool init" in early.stderr
    assert "Traceback" not in early.stderr and not (tmp_path / "inst").exists()
    first = subprocess.run([exe, "init"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "config.py (SECRET_KEY)" in first.stdout
    assert (tmp_path / "inst" / "integrity_tool.db").exists()
    assert (tmp_path / "inst" / "keys" / "data.keys").exists()
    second = subprocess.run([exe, "init"], env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "aangemaakt" not in second.stdout
    help_text = subprocess.run([exe, "--help"], env=env, capture_output=True, text=True, timeout=60).stdout
    for command in COMMANDS:  # the console script lists every command registered by name
        assert re.search(rf"^\s+{re.escape(command)}\s", help_text, re.M), command


def test_demo_show_prints_working_logins_again(app, runner, app_ctx):
    """Issue 13.8: `demo --show` prints the demo log-ins again; the printed password works."""
    assert runner.invoke(args=["demo", "--show"]).exit_code == 1  # no demo yet: a clear message
    runner.invoke(args=["demo"])
    again = runner.invoke(args=["demo"])
    assert "demo --show" in again.output and "reset-password" in again.output
    shown = runner.invoke(args=["demo", "--show"])
    assert shown.exit_code == 0, shown.output
    password = re.search(r"griffier@voorbeeld\.nl\s+wachtwoord: (\S+)", shown.output).group(1)
    user = db.session.scalar(select(User).where(User.email == "griffier@voorbeeld.nl"))
    db.session.refresh(user)
    assert user.totp_secret in shown.output
    c = app.test_client()
    r = c.post("/inloggen", data={"email": user.email, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]


def test_user_reset_password_prints_a_single_use_link(app, runner, make_user):
    """Issue 13.8: `user reset-password EMAIL` clears the credentials and prints a single-use link."""
    user = make_user("griffier")
    result = runner.invoke(args=["user", "reset-password", user.email.upper()])
    assert result.exit_code == 0, result.output
    link = re.search(r"https?://\S+/activeren/(\S+)", result.output)
    assert link, result.output
    db.session.refresh(user)
    assert user.password_hash is None and user.totp_secret is None
    c = app.test_client()
    path = "/activeren/" + link.group(1)
    assert c.get(path).status_code in (200, 302)
    assert runner.invoke(args=["user", "reset-password", "niemand@example.nl"]).exit_code == 1
    second = runner.invoke(args=["user", "reset-password", user.email])
    assert c.get(path).status_code == 410  # the first link stopped working when a new one was issued
    assert second.exit_code == 0
