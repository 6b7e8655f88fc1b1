"""Start and steer the real OpenID Connect provider (tests/oidc_provider/provider.mjs, node + the
certified `oidc-provider` package) on a loopback port, and walk its log-in pages like a browser.

`make test` installs the node packages (scripts/ensure-oidc-provider: `npm ci`, fails loudly). Without
them the SSO tests are skipped with a clear reason, except with INTEGRITY_TOOL_REQUIRE_OIDC_PROVIDER=1
(CI), where they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parents[1] / "oidc_provider"
REQUIRED = os.environ.get("INTEGRITY_TOOL_REQUIRE_OIDC_PROVIDER") == "1"
CLIENT_ID = "integrity-tool-test"
CLIENT_SECRET = "test-secret-" + "s" * 32


def problem() -> str | None:
    """Why the provider cannot run here, or None."""
    if not shutil.which("node"):
        return "node ontbreekt: sudo apt-get install nodejs npm, daarna make test"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "de testprovider is niet geïnstalleerd: scripts/ensure-oidc-provider (npm ci in tests/oidc_provider)"
    return None


def start_or_skip(**kwargs) -> "Provider":
    """A started Provider; without node or the package: skipped, or failed when REQUIRED (CI)."""
    import pytest

    reason = problem()
    if reason:
        if REQUIRED:
            pytest.fail(f"{reason}. INTEGRITY_TOOL_REQUIRE_OIDC_PROVIDER=1: de SSO-tests zijn verplicht.", pytrace=False)
        pytest.skip(reason)
    return Provider(**kwargs).start()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def account(email: str, *, amr=("pwd", "otp"), acr: str | None = None, verified: bool = True, name: str = "") -> dict:
    out = {"email": email, "email_verified": verified, "name": name or email.split("@")[0]}
    if amr:
        out["amr"] = list(amr)
    if acr:
        out["acr"] = acr
    return out


class Provider:
    """One node process; ``restart()`` starts a new one on the same port with a new signing key."""

    def __init__(self, *, app_base: str, accounts: dict, backchannel_uri: str | None = None):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.app_base = app_base.rstrip("/")
        client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                  "redirect_uris": [self.app_base + "/sso/callback"],
                  "post_logout_redirect_uris": [self.app_base + "/inloggen"]}
        if backchannel_uri:
            client.update(backchannel_logout_uri=backchannel_uri, backchannel_logout_session_required=True)
        self.config = {"issuer": self.issuer, "port": self.port, "clients": [client], "accounts": accounts}
        self.dir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
        self.config_path = self.dir / "config.json"
        self.log_path = self.dir / "provider.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Provider":
        self.config_path.write_text(json.dumps(self.config))
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(["node", str(HERE / "provider.mjs"), str(self.config_path)], cwd=HERE,
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"de OIDC-testprovider stopte ({self.proc.returncode}):\n{self.log()}")
            try:
                if requests.get(self.issuer + "/__test/state", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise AssertionError(f"de OIDC-testprovider start niet:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        """A key rotation: the new process signs with a new key (new kid) and publishes only that one."""
        self.stop()
        self.start()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def state(self) -> dict:
        return requests.get(self.issuer + "/__test/state", timeout=5).json()

    def spoil_next_token(self, mode: str) -> None:
        requests.post(self.issuer + "/__test/mode", json={"mode": mode}, timeout=5).raise_for_status()


class Browser:
    """The provider's side of a browser: a cookie jar that follows the provider's redirects and fills in
    its log-in form, and hands back the first URL that leads to the application."""

    def __init__(self, provider: Provider):
        self.provider = provider
        self.http = requests.Session()

    def walk(self, url: str, login: str | None = None, *, max_steps: int = 20) -> str:
        response = self.http.get(url, allow_redirects=False, timeout=10)
        for _ in range(max_steps):
            if response.status_code in (302, 303):
                target = urljoin(response.url, response.headers["Location"])
                if not target.startswith(self.provider.issuer):
                    return target
                response = self.http.get(target, allow_redirects=False, timeout=10)
            elif response.status_code == 200 and "/interaction/" in response.url and login is not None:
                response = self.http.post(response.url, data={"login": login}, allow_redirects=False, timeout=10)
                login = None
            elif response.status_code == 200 and 'id="op.logoutForm"' in response.text:
                response = self._confirm_logout(response)
            elif response.status_code == 200 and "document.forms[0].submit()" in response.text:
                response = self._auto_submit(response)  # the provider's self-submitting form (switch of account)
            elif response.status_code == 200 and response.url.endswith("/session/end/success"):
                return response.url  # signed out, no way back to a client was asked for
            else:
                raise AssertionError(f"onverwacht antwoord van de provider ({response.status_code}, {response.url}):\n"
                                     f"{response.text[:1000]}")
        raise AssertionError("te veel stappen bij de provider")

    def _auto_submit(self, response):
        import re

        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
        assert action, response.text[:1000]
        return self.http.post(urljoin(response.url, action.group(1)), data=fields, allow_redirects=False, timeout=10)

    def _confirm_logout(self, response):
        import re

        action = re.search(r'<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"', response.text) or \
            re.search(r'<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"', response.text)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', response.text)
        assert action and xsrf, response.text[:1000]
        return self.http.post(urljoin(response.url, action.group(1)), data={"xsrf": xsrf.group(1), "logout": "yes"},
                              allow_redirects=False, timeout=10)
