"""Real gunicorn servers for security tests: a temp instance, set up in a subprocess, then served.

The instance is prepared in a *separate* process (``python -m tests.security.server_utils setup``)
because ``create_app`` installs a process-wide keyring; doing it in the pytest process would
swap the keys under the session-wide test app.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "correct paard batterij nietje"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance_env(instance: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_TOOL_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({
        "INTEGRITY_TOOL_INSTANCE": str(instance),
        "DATABASE_URL": database_url or f"sqlite:///{instance / 'app.db'}",
        "INTEGRITY_TOOL_SESSION_COOKIE_SECURE": "false",
        "INTEGRITY_TOOL_ARGON2_TIME_COST": "1",
        "INTEGRITY_TOOL_ARGON2_MEMORY_COST": "8192",
        "INTEGRITY_TOOL_BASE_URL": "http://127.0.0.1",
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def setup_instance(instance: Path, env: dict[str, str], scenario: str = "basic") -> dict:
    """Create instance files, schema and the scenario's users; returns the scenario's facts."""
    out = subprocess.run([sys.executable, "-m", "tests.security.server_utils", "setup", scenario],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    if out.returncode != 0:
        raise RuntimeError(f"setup failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Gunicorn:
    """``gunicorn`` on a free port; ``stop()`` ends only this process group."""

    def __init__(self, env: dict[str, str], *, workers: int = 3, threads: int = 1, config: Path | None = None,
                 app: str = "integrity_tool:create_app()", log: Path | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
               "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "--timeout", "60",
               "--access-logfile", "-", "--access-logformat", "ACCESS pid=%(p)s %(m)s %(U)s %(s)s"]
        if config is not None:
            cmd += ["--config", str(config)]
        cmd.append(app)
        self.log = log
        self._stream = open(log, "ab") if log else None
        stream = self._stream or subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=stream, stderr=stream, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready: {self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else ""

    def access_pids(self, method: str, path: str) -> list[str]:
        """Worker pids (from the access log) that served ``method path``."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log else []
        return [m.group(1) for m in (re.search(r"ACCESS pid=<(\d+)> (\S+) (\S+)", ln) for ln in lines)
                if m and m.group(2) == method and m.group(3) == path]

    def hog(self) -> socket.socket:
        """Keep one (the most recently idle) sync worker busy: a request whose body never arrives.

        Linux wakes idle workers last-in-first-out, so without this consecutive requests all land
        on the same worker and a per-process counter would look shared. Close the socket to free it.
        """
        s = socket.create_connection(("127.0.0.1", self.port))
        s.sendall(b"POST /hog HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
        time.sleep(0.3)
        return s

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __enter__(self):
        self.wait_ready()
        return self

    def __exit__(self, *exc):
        self.stop()


class Browser:
    """A tiny cookie-keeping HTTP client (no redirects followed) with CSRF token scraping."""

    CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path)

    def csrf(self, html: str) -> str | None:
        m = self.CSRF_RE.search(html)
        return (m.group(1) or m.group(2)) if m else None

    def post_form(self, path: str, data: dict, page: str | None = None) -> tuple[int, dict, str]:
        """GET the form page (or ``page``) for a CSRF token, then POST."""
        _, _, html = self.get(page or path)
        token = self.csrf(html)
        payload = dict(data)
        if token:
            payload["csrf_token"] = token
        return self.request("POST", path, payload)

    def login(self, email: str, password: str, totp_secret: str | None = None) -> int:
        status, headers, _ = self.post_form("/inloggen", {"email": email, "password": password})
        if status != 302 or totp_secret is None:
            return status
        import pyotp

        status, _, _ = self.post_form("/inloggen/code", {"code": pyotp.TOTP(totp_secret).now()})
        return status


# --- set-up, run in a subprocess ---------------------------------------------------------------

def _setup(scenario: str) -> dict:
    from integrity_tool import create_app
    from integrity_tool.config import instance_path
    from integrity_tool.models import db
    from integrity_tool.services import orgsetup, security, users
    from integrity_tool.services.instance import ensure_instance_files, upgrade_database

    ensure_instance_files(instance_path())
    app = create_app()
    facts: dict = {}
    with app.app_context():
        upgrade_database()
        org = orgsetup.create_organisation_with_keys("Gemeente Proef", "gemeente")
        cand = users.new_user(org, "kandidaat@example.nl", "Kandidaat Proef", "candidate", password=PASSWORD)
        rev = users.new_user(org, "beoordelaar@example.nl", "Beoordelaar Proef", "reviewer", password=PASSWORD)
        for u in (cand, rev):
            u.totp_secret = security.new_totp_secret()
            u.mfa_method = "totp"
        db.session.commit()
        facts["candidate"] = {"email": cand.email, "password": PASSWORD, "totp": cand.totp_secret, "id": cand.id,
                              "name": cand.name}
        facts["reviewer"] = {"email": rev.email, "password": PASSWORD, "totp": rev.totp_secret, "id": rev.id}
        if scenario in ("dossier", "complete", "signoff"):
            from integrity_tool.services import signoff
            from tests.factories import advance, build_dossier, example_answers, save_answers

            griffier = users.new_user(org, "griffier@example.nl", "Griffier Proef", "griffier")
            db.session.commit()
            # the griffier invites the (already active) candidate; the candidate fills in, the review starts
            dossier = build_dossier(griffier, reviewer=rev, name=cand.name, email=cand.email, portfolio=None,
                                    activate=False)
            if scenario == "complete":
                save_answers(dossier, example_answers(dossier.questionnaire_id))
            if scenario == "signoff":
                advance(dossier, "in_behandeling", answers=example_answers(dossier.questionnaire_id))
                signoff.save_conclusion(rev, dossier, "geen_bijzonderheden", "Geen bijzonderheden.")
            facts["dossier"] = {"public_id": dossier.public_id, "id": dossier.id}
    return facts


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        print(json.dumps(_setup(sys.argv[2] if len(sys.argv) > 2 else "basic")))
