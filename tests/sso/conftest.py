"""Fixtures for the single sign-on tests: a real OpenID Connect provider (node, `oidc-provider`) on a
loopback port, an inbox for its back-channel log-out calls, and an organisation configured for it."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from integrity_tool.models import Organisation, User
from integrity_tool.services import sso

from .provider import CLIENT_ID, CLIENT_SECRET, Browser, Provider, account, start_or_skip

DOMAIN = "lindendal.nl"
ACCOUNTS = {
    "sub-bram": account(f"bram@{DOMAIN}", name="Bram Burgemeester"),                    # pwd + otp: MFA
    "sub-greet": account(f"greet@{DOMAIN}", amr=("pwd",), name="Greet Griffier"),      # no second factor
    "sub-acr": account(f"anna@{DOMAIN}", amr=None, acr="urn:test:loa:mfa"),          # MFA only by acr
    "sub-nobody": account(f"nobody@{DOMAIN}"),                                       # no account here
    "sub-elders": account("someone@elders.nl"),                                      # domain not allowed
    "sub-unverified": account(f"unverified@{DOMAIN}", verified=False),
    "sub-kandidaat": account(f"karel@{DOMAIN}"),                                     # a candidate
}


class _Inbox(BaseHTTPRequestHandler):
    tokens: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.tokens.append(parse_qs(body).get("logout_token", [""])[0])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def backchannel_inbox():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/backchannel", _Inbox.tokens
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def provider(backchannel_inbox):
    prov = start_or_skip(app_base="http://localhost", accounts=ACCOUNTS, backchannel_uri=backchannel_inbox[0])
    yield prov
    prov.stop()


@dataclass
class SsoWorld:
    org: Organisation
    admin: User
    reviewer: User
    griffier: User
    candidate: User
    provider: Provider

    @property
    def config(self):
        return sso.config_of(self.org)


def configure(world_admin, org, provider, **overrides):
    values = {"enabled": True, "issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
              "allowed_domains": DOMAIN, "mfa_mode": "idp", "mfa_acr_values": "", "trust_email": False,
              "password_login_off": False, "break_glass_user_id": None}
    values.update(overrides)
    return sso.save_config(world_admin, org, values)


@pytest.fixture
def sso_world(make_org, make_user, provider) -> SsoWorld:
    org = make_org("Gemeente Lindendal")
    admin = make_user("admin", org, email=f"beheer@{DOMAIN}", name="Bea Beheer")
    reviewer = make_user("reviewer", org, email=f"bram@{DOMAIN}", name="Bram Burgemeester")
    griffier = make_user("griffier", org, email=f"greet@{DOMAIN}", name="Greet Griffier")
    candidate = make_user("candidate", org, email=f"karel@{DOMAIN}", name="Karel Kandidaat")
    configure(admin, org, provider)
    return SsoWorld(org, admin, reviewer, griffier, candidate, provider)


def start_url(client, slug: str, **params) -> str:
    response = client.get(f"/inloggen/organisatie/{slug}", query_string=params)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def sso_login(client, world: SsoWorld, login: str, browser: Browser | None = None):
    """Start at the application, sign in at the provider, come back: (callback response, browser, callback URL)."""
    browser = browser or Browser(world.provider)
    back = browser.walk(start_url(client, world.org.slug), login)
    assert back.startswith("http://localhost/sso/callback?"), back
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}"), browser, back
