"""Helpers for the two-server test (issue 15.4): an SMTP sink, a round-robin HTTP proxy, an HTTP client,
and the set-up of nodes that share only configuration, the database and Redis.

Run as ``python -m tests.security.two_servers setup`` (in a subprocess, like server_utils) to create the
organisation and its staff in the shared database.
"""
from __future__ import annotations

import email
import http.client
import itertools
import json
import os
import re
import secrets
import socketserver
import sys
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PASSWORD = "twee servers een database"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length"}


# --- SMTP: a sink that keeps every message (the servers send through SMTP, not to an outbox) -----------

class SmtpSink:
    """A minimal SMTP server (no TLS, no auth) on a free port; ``messages`` holds what arrived."""

    def __init__(self):
        sink = self
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                self.reply("220 sink ESMTP")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
                    elif verb == "DATA":
                        self.reply("354 end with .")
                        data = []
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b".\n", b""):
                                break
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        msg = email.message_from_bytes(b"".join(data), policy=policy.default)
                        with sink.lock:
                            sink.messages.append(msg)
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:  # HELO, MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def mail_text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


# --- a round-robin load balancer -------------------------------------------------------------------------

class Proxy:
    """Forwards each request to one of the backends: ``route`` is "rr" (round robin), or a backend's
    name to send everything there. ``hits`` counts requests per backend."""

    def __init__(self):
        self.backends: dict[str, str] = {}
        self.route = "rr"
        self.hits: dict[str, int] = {}
        self._cycle = iter(())
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                with proxy.lock:
                    name = next(proxy._cycle) if proxy.route == "rr" else proxy.route
                    proxy.hits[name] += 1
                host, port = proxy.backends[name].rsplit("//", 1)[1].split(":")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers["X-Forwarded-For"] = self.client_address[0]
                conn = http.client.HTTPConnection(host, int(port), timeout=120)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    self.send_response(response.status, response.reason)
                    for key, value in response.getheaders():  # several Set-Cookie headers stay several
                        if key.lower() not in HOP_BY_HOP:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("X-Backend", name)
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    conn.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def set_backends(self, backends: dict[str, str]) -> None:
        with self.lock:
            self.backends = dict(backends)
            self.hits = {name: 0 for name in backends}
            self._cycle = itertools.cycle(list(backends))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- an HTTP client that keeps cookies and scrapes CSRF tokens -----------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class Client:
    def __init__(self, base: str):
        import requests

        self.base = base
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, expect: int | tuple = 200):
        r = self.http.get(self.base + path, allow_redirects=False, timeout=120)
        _expect(r, expect, "GET", path)
        return r

    def post(self, path: str, data: dict, *, page: str | None = None, files: dict | None = None,
             expect: int | tuple = 302, html: str | None = None):
        """POST with the CSRF token of ``html``, or of ``page`` (default: ``path``) fetched now from
        whichever node the balancer picks."""
        token = csrf(html if html is not None else self.get(page or path).text)
        r = self.http.post(self.base + path, data={**data, "csrf_token": token}, files=files,
                           allow_redirects=False, timeout=120)
        _expect(r, expect, "POST", path)
        return r

    def login(self, email: str, password: str, totp_secret: str, step_offset: int = 0) -> None:
        import pyotp
        import time

        self.post("/inloggen", {"email": email, "password": password})
        code = pyotp.TOTP(totp_secret).at(time.time() + 30 * step_offset)
        self.post("/inloggen/code", {"code": code})


def _expect(r, expect, method: str, path: str) -> None:
    expected = expect if isinstance(expect, tuple) else (expect,)
    assert r.status_code in expected, (f"{method} {path}: HTTP {r.status_code} via {r.headers.get('X-Backend')} "
                                       f"{r.headers.get('Location', '')}\n{r.text[:3000]}")


def csrf(html: str) -> str | None:
    m = CSRF_RE.search(html)
    return (m.group(1) or m.group(2)) if m else None


# --- what the nodes write under instance/ ------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` (and the folder itself, ".") with size and modification time: a
    folder's time changes when an entry is created or removed in it, even a temporary file."""
    paths = [folder, *folder.rglob("*")]
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in paths}


def written_since(before: dict, folder: Path) -> list[str]:
    """Paths created, changed or removed under ``folder`` since ``before``; log files are allowed."""
    after = snapshot(folder)
    changed = {p for p, stat in after.items() if before.get(p) != stat} | (set(before) - set(after))
    logs = {p for p in changed if p.endswith(".log")}
    # a folder that changed only because a log file in it was written is allowed too
    dirs_of_logs = {str(Path(p).parent) for p in logs}
    return sorted(changed - logs - dirs_of_logs)


# --- set-up in the shared database (subprocess) ---------------------------------------------------------------

def _setup() -> dict:
    from integrity_tool import create_app
    from integrity_tool.models import User, db, utcnow
    from integrity_tool.services import security, users

    app = create_app()
    with app.app_context():
        # Without signing material: the first sign-off makes it, on whichever server that is.
        org = users.create_organisation("Gemeente Tweeserver", "gemeente")
        facts = {"org": org.slug}
        run = secrets.token_hex(3)  # Redis keeps throttle counters by e-mail address across test runs
        for role, label in (("griffier", "griffier"), ("reviewer", "burgemeester"), ("admin", "beheerder")):
            u = User(organisation_id=org.id, email=f"{label}-{run}@tweeserver.example", name=f"{label.title()} Tweeserver",
                     role=role, active=True, password_hash=security.hash_password(PASSWORD),
                     password_changed_at=utcnow(), mfa_method="totp", totp_secret=security.new_totp_secret(),
                     privacy_version=app.config["PRIVACY_VERSION"], privacy_acknowledged_at=utcnow())
            db.session.add(u)
            db.session.flush()
            facts[role] = {"id": u.id, "email": u.email, "totp": u.totp_secret, "name": u.name}
        db.session.commit()
    return facts


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        print(json.dumps(_setup()))
    os._exit(0)
