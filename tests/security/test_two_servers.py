"""Issue 15.4: two app servers, each with its own empty instance folder, on one database (and one Redis
when there is one), behind a round-robin load balancer, run a whole dossier over HTTP.

The organisation's administrator uploads and activates a questionnaire of its own on B; the invitation
on A uses it; activation and the questionnaire on both (round robin: a form served by one node is
posted to the other); the review round robin; sign-off and downloads on B; on A the CA, the public
verification page, `verify-pdf`, the appointment and the public register. Meanwhile nothing may be written
under either instance folder (node B's stays empty: it never ran `init`), mail goes through SMTP, the
audit chain stays intact, and failed log-ins on A and B count together. Runs on PostgreSQL when DATABASE_URL is set (CI's PostgreSQL stage) and on a
shared SQLite file otherwise.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pyotp
import pytest

from tests.candidate.helpers import NEVENFUNCTIES, QID, item_post, questionnaire, section_post, version_of

from .server_utils import Gunicorn
from .two_servers import PASSWORD, Client, Proxy, SmtpSink, mail_text, snapshot, written_since

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OWN_QID = "wethouder-tweeserver"
OWN_TITLE = "Eigen vragenlijst Gemeente Tweeserver"


def _redis_url() -> str | None:
    """The configured Redis, else a local one (database 11), else none (throttling then uses the database).
    The servers get a key prefix of this run's own (REDIS_PREFIX), so counters of an earlier or a parallel
    run are never seen."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            pass
    except OSError:
        return None
    return "redis://127.0.0.1:6379/11"


def _node_env(instance: Path, shared: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_TOOL_")}
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        env.pop(name, None)
    env.update(shared)
    env["INTEGRITY_TOOL_INSTANCE"] = str(instance)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "integrity-tool"), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def cluster(request, tmp_path):
    """Two nodes behind a proxy; yields (proxy, sink, nodes {name: (instance, env, server)}, facts)."""
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        request.getfixturevalue("app")  # the session's schema, and its tables emptied after this test
    else:
        database_url = f"sqlite:///{tmp_path / 'shared' / 'gedeeld.db'}"
    (tmp_path / "shared").mkdir()
    sink, proxy = SmtpSink(), Proxy()
    # Shared through configuration only: database, Redis, secrets, data keys, the audit chain's key file.
    from integrity_tool import crypto

    shared = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "INTEGRITY_TOOL_DATA_KEYS": crypto.generate_key(),
        "INTEGRITY_TOOL_AUDIT_CHAIN_KEY_FILE": str(tmp_path / "shared" / "audit-chain.keys"),
        "INTEGRITY_TOOL_SESSION_COOKIE_SECURE": "false",
        "INTEGRITY_TOOL_BASE_URL": proxy.base,
        "INTEGRITY_TOOL_MAIL_SERVER": "127.0.0.1",
        "INTEGRITY_TOOL_MAIL_PORT": str(sink.port),
        "INTEGRITY_TOOL_MAIL_USE_TLS": "false",
        "INTEGRITY_TOOL_ARGON2_TIME_COST": "1",
        "INTEGRITY_TOOL_ARGON2_MEMORY_COST": "8192",
        "INTEGRITY_TOOL_REPORT_PROCESSES": "0",
    }
    redis = _redis_url()
    if redis:
        shared["REDIS_URL"] = redis
        shared["INTEGRITY_TOOL_REDIS_PREFIX"] = f"it-test-{uuid.uuid4().hex[:12]}:"
    nodes = {}
    servers = []
    try:
        for name in ("A", "B"):
            instance = tmp_path / f"node-{name.lower()}"
            instance.mkdir()
            nodes[name] = [instance, _node_env(instance, shared), None]
        # `init` once, on A: the schema and the audit chain's key (in the shared key file). B never runs it.
        done = _cli(nodes["A"][1], "init")
        assert done.returncode == 0, done.stdout + done.stderr
        out = subprocess.run([sys.executable, "-m", "tests.security.two_servers", "setup"], env=nodes["A"][1],
                             cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stdout + out.stderr
        import json

        facts = json.loads(out.stdout.strip().splitlines()[-1])
        for name, node in nodes.items():
            server = Gunicorn(node[1], workers=1, threads=4, config=ROOT / "gunicorn.conf.py",
                              log=tmp_path / f"node-{name.lower()}.log")
            servers.append(server)
            node[2] = server
        for server in servers:
            server.wait_ready(timeout=120)
        proxy.set_backends({name: node[2].base for name, node in nodes.items()})
        yield proxy, sink, nodes, facts
    finally:
        for server in servers:
            server.stop()
        proxy.close()
        sink.close()


def _fill(c: Client, qn, public_id: str) -> None:
    """Every section (and three nevenfuncties), each page from one node and its post to the next."""
    answers: dict = {}
    for section in qn.sections:
        url = f"/kandidaat/dossier/{public_id}/onderdeel/{section.id}"
        if section.id == "nevenfuncties":
            repeat = qn.question("nevenfuncties")
            for item in NEVENFUNCTIES:
                page = c.get(url).text
                r = c.post(url, section_post(qn, section, answers, version_of(page), action="add:nevenfuncties"),
                           html=page)
                assert r.headers["Location"].endswith("/nevenfuncties/nieuw"), r.headers["Location"]
                form = c.get(r.headers["Location"]).text
                c.post(r.headers["Location"], item_post(qn, repeat, answers, item, version_of(form)), html=form)
        page = c.get(url).text
        c.post(url, section_post(qn, section, answers, version_of(page)), html=page)


def test_whole_dossier_across_two_servers(cluster):
    proxy, sink, nodes, facts = cluster
    before = {name: snapshot(node[0]) for name, node in nodes.items()}
    assert [p for p in before["B"] if p != "."] == []  # B's instance folder is empty, and stays so
    griffier_facts, reviewer_facts, slug = facts["griffier"], facts["reviewer"], facts["org"]

    # --- B: the administrator uploads the organisation's own questionnaire and activates it
    proxy.route = "B"
    admin = Client(proxy.base)
    admin.login(facts["admin"]["email"], PASSWORD, facts["admin"]["totp"])
    shipped = (ROOT / "questionnaires" / f"{QID}.yaml").read_text(encoding="utf-8")
    own = re.sub(r"(?m)^id: .*$", f"id: {OWN_QID}", shipped, count=1)
    own = re.sub(r"(?m)^title: .*$", f"title: {OWN_TITLE}", own, count=1)
    assert own != shipped
    r = admin.post("/beheer/vragenlijsten/upload", {}, page="/beheer/vragenlijsten",
                   files={"bestand": ("tweeserver.yaml", own.encode("utf-8"), "application/x-yaml")})
    detail = r.headers["Location"]
    page = admin.get(detail).text
    shown = re.search(r'name="status" value="([^"]*)"', page).group(1)
    admin.post(detail + "/activeren", {"status": shown}, html=page)
    assert proxy.hits["A"] == 0

    # --- A: the griffier invites the candidate, with that questionnaire
    proxy.route = "A"
    griffier = Client(proxy.base)
    griffier.login(griffier_facts["email"], PASSWORD, griffier_facts["totp"])
    form = griffier.get("/griffie/dossiers/nieuw").text
    qid = re.search(rf'<option[^>]*value="({OWN_QID}[^"]*)"', form).group(1)
    griffier.post("/griffie/dossiers/nieuw", {
        "name": "Tessa Tweeserver", "email": "tessa@tweeserver.example", "function_title": "Wethouder",
        "portfolio": "Financiën", "questionnaire": qid, "reviewer": str(reviewer_facts["id"]), "deadline": "",
        "round": ""}, html=form)
    invitation = sink.to("tessa@tweeserver.example")
    assert len(invitation) == 1, [m["To"] for m in sink.messages]
    link = re.search(r"https?://\S+/activeren/[A-Za-z0-9_\-]+", mail_text(invitation[0])).group(0)
    assert link.startswith(proxy.base)  # the balancer's address, whichever node sent it

    # --- both nodes, round robin: activation and the whole questionnaire
    proxy.route = "rr"
    hits = dict(proxy.hits)
    candidate = Client(proxy.base)
    path = link[len(proxy.base):]
    r = candidate.post(path, {"password": PASSWORD, "repeat": PASSWORD})
    assert r.headers["Location"].endswith("/tweestaps")
    secret = re.search(r'data-secret="([A-Z2-7]+)"', candidate.get(path + "/tweestaps").text).group(1)
    candidate.post(path + "/tweestaps", {"code": pyotp.TOTP(secret).now()})
    candidate.post(path + "/privacy", {"accept": "y"})
    home = candidate.get("/kandidaat/").text
    public_id = re.search(r"/kandidaat/dossier/([A-Za-z0-9_\-]+)/", home).group(1)
    for _ in range(2):  # the uploaded questionnaire, on both nodes
        assert OWN_TITLE in candidate.get(f"/kandidaat/dossier/{public_id}/").text
    qn = questionnaire()  # the same sections and questions as the uploaded copy
    _fill(candidate, qn, public_id)
    review_page = candidate.get(f"/kandidaat/dossier/{public_id}/controleren").text
    assert "Sportclub De Bal" in review_page
    candidate.post(f"/kandidaat/dossier/{public_id}/indienen", {"name": "Tessa Tweeserver", "confirm": "y"},
                   html=review_page)
    assert all(proxy.hits[n] - hits[n] > 20 for n in "AB"), proxy.hits

    # --- both nodes: the burgemeester reviews and concludes
    reviewer = Client(proxy.base)
    reviewer.login(reviewer_facts["email"], PASSWORD, reviewer_facts["totp"])
    assert "Tessa Tweeserver" in reviewer.get(f"/beoordeling/dossier/{public_id}").text
    conclude = f"/beoordeling/dossier/{public_id}/afronden"
    page = reviewer.get(conclude).text
    r = reviewer.post(conclude, {"outcome": "aandachtspunten", "conclusion": "Twee servers, één dossier."},
                      html=page, expect=(200, 302))
    if r.status_code != 302:  # a blocking finding: a mild outcome is refused
        reviewer.post(conclude, {"outcome": "ernstige_risicos", "conclusion": "Twee servers, één dossier."})

    # --- B: sign-off (a fresh TOTP step: the next one, which the server accepts) and the downloads
    proxy.route = "B"
    before_sign = proxy.hits["A"]
    page = reviewer.get(conclude).text
    data = {"code": pyotp.TOTP(reviewer_facts["totp"]).at(time.time() + 30)}
    if version_of_or_none(page):
        data["version"] = version_of_or_none(page)
    reviewer.post(f"/beoordeling/dossier/{public_id}/ondertekenen", data, html=page)
    pdfs = {kind: reviewer.get(f"/beoordeling/dossier/{public_id}/rapport/{kind}").content
            for kind in ("vertrouwelijk", "samenvatting")}
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs.values())
    assert proxy.hits["A"] == before_sign  # all of it on B
    status = _cli(nodes["B"][1], "signing", "status")
    assert f"{slug}\tdatabase (aangemaakt)" in status.stdout, status.stdout + status.stderr

    # --- A: the same CA, the public verification page, verify-pdf, the appointment, the register
    ca = {}
    for name in ("A", "B"):
        proxy.route = name
        ca[name] = Client(proxy.base).get(f"/verificatie/ca/{slug}.pem").content
    assert ca["A"] == ca["B"] and b"BEGIN CERTIFICATE" in ca["A"]
    proxy.route = "A"
    public = Client(proxy.base)
    for kind, pdf in pdfs.items():
        r = public.post("/verificatie", {}, files={"document": (f"{kind}.pdf", pdf, "application/pdf")}, expect=200)
        assert "Het document is echt en ongewijzigd" in r.text, (kind, r.text[:3000])
        file = nodes["A"][0].parent / f"{kind}.pdf"
        file.write_bytes(pdf)
        checked = _cli(nodes["A"][1], "verify-pdf", str(file))
        assert checked.returncode == 0 and "GELDIG" in checked.stdout, checked.stdout + checked.stderr
    griffier.post(f"/griffie/dossiers/{public_id}/benoeming", {"result": "benoemd",
                                                               "decided_on": date.today().isoformat()},
                  page=f"/griffie/dossiers/{public_id}")
    register = public.get(f"/register/{slug}").text
    assert "Tessa Tweeserver" in register and "Sportclub De Bal" in register

    # --- nothing written under either instance folder; mail went out by SMTP; the audit chain is whole
    for name, node in nodes.items():
        assert written_since(before[name], node[0]) == [], (name, written_since(before[name], node[0]))
    assert not (nodes["A"][0] / "outbox").exists() or not any((nodes["A"][0] / "outbox").iterdir())
    assert sink.to(reviewer_facts["email"]) and sink.to(griffier_facts["email"])
    chain = _cli(nodes["B"][1], "audit", "verify")
    assert chain.returncode == 0, chain.stdout + chain.stderr

    # --- failed log-ins count on both nodes together (Redis, or the database without it)
    proxy.route = "rr"
    intruder = Client(proxy.base)
    page = intruder.get("/inloggen").text
    served = []
    for _ in range(5):  # the limit per account per minute, alternately on A and B
        r = intruder.post("/inloggen", {"email": facts["admin"]["email"], "password": "fout wachtwoord"},
                          html=page, expect=200)
        served.append(r.headers["X-Backend"])
    assert set(served) == {"A", "B"}, served
    r = intruder.post("/inloggen", {"email": facts["admin"]["email"], "password": PASSWORD}, html=page, expect=429)
    assert "Te veel mislukte pogingen" in r.text
    intruder.close()
    for c in (griffier, candidate, reviewer, public):
        c.close()


def version_of_or_none(html: str) -> str | None:
    try:
        return version_of(html)
    except AssertionError:
        return None

