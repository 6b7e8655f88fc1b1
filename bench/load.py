"""Load test: 50 simulated candidates doing the full journey plus reviewers signing off, against
gunicorn (2 workers × 4 threads) on PostgreSQL, in a throw-away instance and database.

Usage:
    python bench/load.py                  # 5 minutes
    python bench/load.py --duration 60    # quick run
    python bench/load.py --soak           # 30 minutes, worker RSS sampled every 30 s
    python bench/load.py --servers 2      # two app servers (own empty instance folders), one database
Options: --candidates 50 --reviewers 5 --think 2.0 --database-url postgresql://postgres@127.0.0.1:5432/loadtest

Each candidate logs in once (password + TOTP), then works through its dossiers: every section page
(GET, CSRF token and version scraped) and its save (POST), the review page and the submission.
Each reviewer logs in once, then takes pre-submitted dossiers: dossier page, conclusion page, save
conclusion, sign-off with a fresh TOTP code (a code is accepted once per 30-s step, so a reviewer
signs at most about twice a minute) and the download of the signed report.
Think time between requests: uniform 0.5–1.5 × --think seconds (open-ish load, ~25 req/s).
The virtual users run as threads in --clients load-generating processes (default 4), so that the
client's own GIL and garbage collector add as little as possible to what it measures; the report
also gives the server-side times from gunicorn's access log for comparison.

With ``--servers 2`` two gunicorn servers run side by side, each with its own instance folder (the
second one must stay empty: anything written there counts as an error), sharing only the database and
the configuration (SECRET_KEY, data keys, an SMTP server: a sink in this process);
``--workers`` is then per server (default 1 each, so the machine runs as many workers as with one
server). Every virtual user sends its requests round robin to the servers, as a balancer without
sticky sessions would (in the client, so no proxy process takes CPU from the servers): a page served
by one server is posted to the other, and each reviewer signs off on either.

Prints per-endpoint p50/p95/p99, throughput, errors and memory; the LAST line is one JSON object
with the figures, the targets and "ok".
Targets: 0 errors; p95 ≤ 100 ms for questionnaire pages and for saves (together and each on its
own); p95 ≤ 500 ms for sign-off (incl. PDF rendering and signing); no worker respawned.
Memory: RSS of the gunicorn workers including their report processes (REPORT_PROCESSES); the soak
also requires that it grows by at most 40 MiB in the second half of the 30 minutes.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "belasting proef paardenbloem"
TARGET_PAGE_P95_MS = 100.0
TARGET_SIGNOFF_P95_MS = 500.0
TARGET_SOAK_LATE_GROWTH_MB = 40.0  # soak: RSS growth of all workers (+ report processes) in the second half
PAGE_ENDPOINTS = ("GET section", "POST section")
SIGNOFF_ENDPOINTS = ("POST sign",)
YES = {"ingezetene", "kiesgerechtigd", "vog_aangevraagd", "cv_juist", "kent_gedragscode",
       "toestemming_privacy"}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


# --- set-up (runs in a subprocess with the instance's environment) ------------------------------

def setup(candidates: int, reviewers: int, dossiers_per_candidate: int, pool_per_reviewer: int) -> dict:
    import pyotp  # noqa: F401

    from integrity_tool import create_app
    from integrity_tool.config import instance_path
    from integrity_tool.models import DossierStatus, Submission, User, db, utcnow
    from integrity_tool.services import dossiers, orgsetup, runtime, security
    from integrity_tool.services.instance import ensure_instance_files, upgrade_database

    ensure_instance_files(instance_path())
    app = create_app()
    out = {"candidates": [], "reviewers": []}
    with app.app_context():
        upgrade_database()
        org = orgsetup.create_organisation_with_keys("Gemeente Lasttest", "gemeente")
        qn = next(iter(runtime.catalog().for_kind("gemeente")))
        password_hash = security.hash_password(PASSWORD)

        def person(i: int, role: str, label: str | None = None) -> User:
            label = label or role
            u = User(organisation_id=org.id, email=f"{label}{i}@lasttest.example", name=f"{label.title()} Lasttest {i}",
                     role=role, active=True, password_hash=password_hash, password_changed_at=utcnow(),
                     mfa_method="totp", totp_secret=security.new_totp_secret(),
                     privacy_version=app.config["PRIVACY_VERSION"], privacy_acknowledged_at=utcnow())
            db.session.add(u)
            db.session.flush()
            return u

        revs = [person(i, "reviewer") for i in range(reviewers)]
        for i in range(candidates):
            c = person(i, "candidate")
            ids = []
            for _ in range(dossiers_per_candidate):
                d = dossiers.create_dossier(org, c, revs[i % len(revs)], qn.id, function_title="Wethouder")
                ids.append(d.public_id)
            out["candidates"].append({"email": c.email, "name": c.name, "totp": c.totp_secret, "dossiers": ids})
        # Pre-submitted dossiers for the reviewers (complete, clean answers).
        answers = complete_answers(qn)
        pool_candidate = person(0, "candidate", "pool")
        for r_index, r in enumerate(revs):
            ids = []
            for _ in range(pool_per_reviewer):
                d = dossiers.create_dossier(org, pool_candidate, r, qn.id, function_title="Wethouder")
                d.answers = answers
                d.status = DossierStatus.ingediend
                d.submitted_at = utcnow()
                db.session.add(Submission(dossier_id=d.id, number=1, questionnaire_id=qn.id,
                                          questionnaire_version=qn.version, questionnaire_hash=qn.content_hash,
                                          payload={"answers": answers}, declaration_name=pool_candidate.name))
                ids.append(d.public_id)
            out["reviewers"].append({"email": r.email, "totp": r.totp_secret, "dossiers": ids})
        db.session.commit()
        out["questionnaire"] = [qn.id, qn.version]
    return out


def form_value(q):
    from integrity_tool.questionnaire.examples import form_value as example

    return example(q, yes=YES, text="Antwoord op {id} & <toelichting>")


def stored_value(q, value):
    if q.type == "yesno":
        return value == "ja"
    if q.type == "number":
        return int(value)
    if q.type == "money":
        return "1250.50"
    if q.type == "date":
        return (date.today() - timedelta(days=10)).isoformat()
    return value


def section_post(qn, section, answers: dict) -> dict:
    """Form data for one section page (every visible question answered); updates ``answers``."""
    from integrity_tool.questionnaire import is_visible

    data = {}
    for q in section.questions:
        if q.type == "repeat" or not is_visible(qn, q, answers):
            answers.pop(q.id, None)
            continue
        value = form_value(q)
        data[q.id] = value
        answers[q.id] = stored_value(q, value)
    return data


def complete_answers(qn) -> dict:
    answers: dict = {}
    for s in qn.sections:
        section_post(qn, s, answers)
    return answers


# --- measuring -------------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []

    def add(self, name: str, ms: float, ok: bool, detail: str = ""):
        with self.lock:
            self.times[name].append(ms)
            if not ok:
                self.errors[name] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{name}: {detail}")

    def dump(self) -> dict:
        with self.lock:
            return {"times": dict(self.times), "errors": dict(self.errors), "samples": list(self.error_samples)}

    def merge(self, dumped: dict) -> None:
        for name, values in dumped["times"].items():
            self.times[name].extend(values)
        for name, count in dumped["errors"].items():
            self.errors[name] += count
        self.error_samples.extend(dumped["samples"][: max(0, 20 - len(self.error_samples))])


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


class VirtualUser:
    def __init__(self, bases: list[str], stats: Stats, think: float, stop: threading.Event):
        import itertools

        import requests

        self.http = requests.Session()
        self.bases = itertools.cycle(random.sample(bases, len(bases)))  # round robin over the servers
        self.stats = stats
        self.think_mean = think
        self.stop = stop

    def think(self):
        self.stop.wait(random.uniform(0.5, 1.5) * self.think_mean)

    def call(self, name: str, method: str, path: str, expect=(200,), data=None):
        start = time.perf_counter()
        try:
            r = self.http.request(method, next(self.bases) + path, data=data, allow_redirects=False, timeout=60)
        except Exception as exc:  # connection refused/reset
            self.stats.add(name, (time.perf_counter() - start) * 1000, False, f"{type(exc).__name__} {path}")
            return None
        ms = (time.perf_counter() - start) * 1000
        ok = r.status_code in expect
        self.stats.add(name, ms, ok, f"HTTP {r.status_code} {method} {path} {r.headers.get('Location', '')}")
        return r if ok else None

    @staticmethod
    def token(html: str) -> str | None:
        m = CSRF_RE.search(html)
        return (m.group(1) or m.group(2)) if m else None

    def login(self, email: str, totp: str) -> bool:
        import pyotp

        r = self.call("GET login", "GET", "/inloggen")
        if r is None:
            return False
        r = self.call("POST login", "POST", "/inloggen", (302,),
                      {"csrf_token": self.token(r.text), "email": email, "password": PASSWORD})
        if r is None:
            return False
        r = self.call("GET code", "GET", "/inloggen/code")
        if r is None:
            return False
        r = self.call("POST code", "POST", "/inloggen/code", (302,),
                      {"csrf_token": self.token(r.text), "code": pyotp.TOTP(totp).now()})
        return r is not None


def candidate_loop(vu: VirtualUser, who: dict, qn, stats: Stats, counters: dict):
    if not vu.login(who["email"], who["totp"]):
        return
    for public_id in who["dossiers"]:
        if vu.stop.is_set():
            return
        vu.think()
        vu.call("GET candidate home", "GET", "/kandidaat/")
        answers: dict = {}
        for section in qn.sections:
            if vu.stop.is_set():
                return
            vu.think()
            path = f"/kandidaat/dossier/{public_id}/onderdeel/{section.id}"
            r = vu.call("GET section", "GET", path)
            if r is None:
                return
            m = VERSION_RE.search(r.text)
            data = section_post(qn, section, answers)
            data.update(csrf_token=vu.token(r.text), version=(m.group(1) or m.group(2)) if m else "", action="next")
            vu.think()
            if vu.call("POST section", "POST", path, (302,), data) is None:
                return
        vu.think()
        r = vu.call("GET review page", "GET", f"/kandidaat/dossier/{public_id}/controleren")
        if r is None:
            return
        vu.think()
        if vu.call("POST submit", "POST", f"/kandidaat/dossier/{public_id}/indienen", (302,),
                   {"csrf_token": vu.token(r.text), "name": who["name"], "confirm": "y"}) is not None:
            with stats.lock:
                counters["submitted"] += 1


def reviewer_loop(vu: VirtualUser, who: dict, stats: Stats, counters: dict):
    import pyotp

    if not vu.login(who["email"], who["totp"]):
        return
    last_step = int(time.time() // 30)  # used by the log-in
    for public_id in who["dossiers"]:
        if vu.stop.is_set():
            return
        vu.think()
        vu.call("GET review dashboard", "GET", "/beoordeling/")
        vu.think()
        if vu.call("GET review dossier", "GET", f"/beoordeling/dossier/{public_id}") is None:
            continue
        vu.think()
        path = f"/beoordeling/dossier/{public_id}/afronden"
        r = vu.call("GET conclude", "GET", path)
        if r is None:
            continue
        vu.think()
        if vu.call("POST conclude", "POST", path, (302,),
                   {"csrf_token": vu.token(r.text), "outcome": "geen_bijzonderheden",
                    "conclusion": "Geen bijzonderheden; de kandidaat is integer & weerbaar."}) is None:
            continue
        r = vu.call("GET conclude", "GET", path)
        if r is None:
            continue
        # A TOTP code is accepted once per 30-s step: wait for a step this reviewer has not used, then
        # a random part of it: reviewers do not all type their code in the same second (without this the
        # bench would fire every reviewer's sign-off at each step boundary at once).
        while int(time.time() // 30) <= last_step and not vu.stop.is_set():
            vu.stop.wait(0.5)
        vu.stop.wait(random.uniform(0, 20))
        if vu.stop.is_set():
            return
        last_step = int(time.time() // 30)
        m = VERSION_RE.search(r.text)
        data = {"csrf_token": vu.token(r.text), "code": pyotp.TOTP(who["totp"]).at(last_step * 30)}
        if m:
            data["version"] = m.group(1) or m.group(2)
        if vu.call("POST sign", "POST", f"/beoordeling/dossier/{public_id}/ondertekenen", (302,), data) is None:
            continue
        with stats.lock:
            counters["signed"] += 1
        vu.think()
        vu.call("GET report pdf", "GET", f"/beoordeling/dossier/{public_id}/rapport/vertrouwelijk")


# --- client processes ----------------------------------------------------------------------------

def client_process(bases: list[str], users: list, qn_key: list, think: float, ramp: float, total_users: int,
                   stop, results) -> None:
    """One load-generating process: a thread per virtual user; sends its figures back at the end.

    The virtual users are spread over several processes so that the client's own GIL and garbage
    collector do not add to the latencies it measures."""
    import gc

    from integrity_tool.questionnaire import default_catalog

    qn = default_catalog().get(*qn_key)
    gc.freeze()
    stats = Stats()
    counters = {"submitted": 0, "signed": 0}
    threads = []
    for index, kind, who in users:
        vu = VirtualUser(bases, stats, think, stop)
        target = (candidate_loop, (vu, who, qn, stats, counters)) if kind == "c" else \
            (reviewer_loop, (vu, who, stats, counters))
        threads.append(threading.Thread(target=_delayed, args=(stop, ramp * index / total_users, *target),
                                        daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put({"stats": stats.dump(), "counters": counters})


def server_side_times(log_paths: list[Path]) -> dict[str, list[float]]:
    """Request times as gunicorn logged them (its %(M)s atom), by endpoint, over all servers, for comparison."""
    patterns = {"GET section": r'"GET /kandidaat/dossier/[^/]+/onderdeel/[a-z0-9_]+ ',
                "POST section": r'"POST /kandidaat/dossier/[^/]+/onderdeel/[a-z0-9_]+ ',
                "POST sign": r'"POST /beoordeling/dossier/[^/]+/ondertekenen '}
    out: dict[str, list[float]] = {name: [] for name in patterns}
    compiled = {name: re.compile(p + r'[^"]*" \d+ \S+ (\d+)ms$') for name, p in patterns.items()}
    lines = [line for path in log_paths for line in path.read_text(errors="replace").splitlines()]
    for line in lines:
        for name, rx in compiled.items():
            m = rx.search(line)
            if m:
                out[name].append(float(m.group(1)))
    return out


# --- server ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _own_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """RSS of a worker plus its children (the report processes it spawned)."""
    return _own_rss_mb(pid) + sum(rss_mb(child) for child in child_pids(pid))


def child_pids(parent: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


worker_pids = child_pids  # the gunicorn workers are the children of the master process


def prepare_database(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "postgres", "test"):
        raise SystemExit(f"refusing to use database '{name}': give a dedicated one (default 'loadtest')")
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *args, name], check=True)
    subprocess.run(["createdb", *args, name], check=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=300)
    ap.add_argument("--soak", action="store_true", help="30 minutes with RSS sampling every 30 s")
    ap.add_argument("--candidates", type=int, default=50)
    ap.add_argument("--reviewers", type=int, default=5)
    ap.add_argument("--think", type=float, default=2.0, help="mean think time in seconds")
    ap.add_argument("--servers", type=int, default=1, choices=(1, 2),
                    help="app servers, each with its own instance folder, on the one database")
    ap.add_argument("--workers", type=int, default=None,
                    help="gunicorn workers per server (default 2 with one server, 1 each with two)")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/loadtest"))
    ap.add_argument("--keep", action="store_true", help="keep the temp instance and server log")
    ap.add_argument("--keep-alive", type=int, default=0,
                    help="gunicorn keep-alive seconds; 0 (default) closes each connection, as behind a reverse "
                         "proxy that does not keep upstream connections, so requests spread over both workers")
    ap.add_argument("--clients", type=int, default=4, help="load-generating processes (users are spread over them)")
    ap.add_argument("--report-processes", type=int, default=None,
                    help="report processes per worker (REPORT_PROCESSES; default: the production default)")
    ap.add_argument("--_setup", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._setup:
        print(json.dumps(setup(**json.loads(args._setup))))
        return 0
    duration = 1800.0 if args.soak else args.duration
    sample_every = 30.0
    if args.workers is None:
        args.workers = 2 if args.servers == 1 else 1

    import secrets

    from integrity_tool import crypto

    workdir = Path(tempfile.mkdtemp(prefix="it-load-"))
    instances = [workdir / ("instance" if n == 0 else f"instance-{n + 1}") for n in range(args.servers)]
    log_paths = [workdir / ("gunicorn.log" if n == 0 else f"gunicorn-{n + 1}.log") for n in range(args.servers)]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_TOOL_")}
    base_env.pop("REDIS_URL", None)
    # Shared by the servers through configuration only: database, secret key, data keys.
    base_env.update({"DATABASE_URL": args.database_url, "SECRET_KEY": secrets.token_hex(32),
                     "INTEGRITY_TOOL_DATA_KEYS": crypto.generate_key(),
                     "INTEGRITY_TOOL_SESSION_COOKIE_SECURE": "false", "INTEGRITY_TOOL_BASE_URL": "http://127.0.0.1",
                     "PYTHONPATH": str(ROOT)})
    if args.report_processes is not None:
        base_env["INTEGRITY_TOOL_REPORT_PROCESSES"] = str(args.report_processes)
    sink = None
    if args.servers > 1:  # mail through SMTP (to a sink here), as several servers must: no outbox per server
        from tests.security.two_servers import SmtpSink

        sink = SmtpSink()
        base_env.update({"INTEGRITY_TOOL_MAIL_SERVER": "127.0.0.1", "INTEGRITY_TOOL_MAIL_PORT": str(sink.port),
                         "INTEGRITY_TOOL_MAIL_USE_TLS": "false"})
    envs = [dict(base_env, INTEGRITY_TOOL_INSTANCE=str(instance)) for instance in instances]
    for instance in instances[1:]:
        instance.mkdir()  # and it stays empty
    env = envs[0]
    print(f"== database {args.database_url} (recreated), {args.servers} server(s), instance(s) "
          + ", ".join(map(str, instances)))
    prepare_database(args.database_url)
    journey_s = 30 * args.think  # ~27 requests per journey
    per_candidate = int(duration / journey_s) + 2
    per_reviewer = int(duration / 30) + 2
    t0 = time.time()
    spec = json.dumps({"candidates": args.candidates, "reviewers": args.reviewers,
                       "dossiers_per_candidate": per_candidate, "pool_per_reviewer": per_reviewer})
    done = subprocess.run([sys.executable, __file__, "--_setup", spec], env=env, cwd=ROOT, capture_output=True,
                          text=True)
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        return 2
    world = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"== set-up: {args.candidates} candidates × {per_candidate} dossiers, {args.reviewers} reviewers × "
          f"{per_reviewer} submitted dossiers ({time.time() - t0:.0f} s)")

    servers, logs, bases = [], [], []
    for n in range(args.servers):
        port = free_port()
        bases.append(f"http://127.0.0.1:{port}")
        logs.append(open(log_paths[n], "ab"))
        servers.append(subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
             "--workers", str(args.workers), "--threads", str(args.threads),
             "--bind", f"127.0.0.1:{port}", "--keep-alive", str(args.keep_alive), "integrity_tool:create_app()"],
            env=envs[n], cwd=ROOT, stdout=logs[n], stderr=logs[n], start_new_session=True))
    try:
        import requests

        for base, server, log_path in zip(bases, servers, log_paths):
            deadline = time.time() + 90
            while True:
                try:
                    if requests.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.time() > deadline or server.poll() is not None:
                    print(log_path.read_text()[-3000:], file=sys.stderr)
                    return 2
                time.sleep(0.3)
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        stats = Stats()
        counters = {"submitted": 0, "signed": 0}
        stop = ctx.Event()
        results = ctx.Queue()
        users = [(i, kind, who) for i, (kind, who) in
                 enumerate([("c", c) for c in world["candidates"]] + [("r", r) for r in world["reviewers"]])]
        ramp = min(20.0, duration / 4)
        n_clients = max(1, min(args.clients, len(users)))
        clients = [ctx.Process(target=client_process, daemon=True,
                               args=(bases, users[k::n_clients], world["questionnaire"], args.think, ramp, len(users),
                                     stop, results)) for k in range(n_clients)]
        started = time.time()
        for c in clients:
            c.start()
        pids = [p for server in servers for p in worker_pids(server.pid)]
        samples = [(0.0, {p: rss_mb(p) for p in pids})]
        print(f"== running {duration:.0f} s with {len(users)} virtual users in {n_clients} client processes "
              f"(ramp-up {ramp:.0f} s), workers {pids}")
        next_sample = started + sample_every
        while time.time() - started < duration:
            time.sleep(1)
            if time.time() >= next_sample:
                next_sample += sample_every
                current = [p for server in servers for p in worker_pids(server.pid)]
                samples.append((time.time() - started, {p: rss_mb(p) for p in current}))
                if args.soak:
                    total = sum(samples[-1][1].values())
                    print(f"   t={samples[-1][0]:5.0f}s  RSS workers {total:7.1f} MiB", flush=True)
        stop.set()
        for _ in clients:
            try:
                got = results.get(timeout=120)
            except Exception:  # a client process died: its figures are lost, which must not pass silently
                stats.errors["client process"] += 1
                continue
            stats.merge(got["stats"])
            for key, value in got["counters"].items():
                counters[key] += value
        for c in clients:
            c.join(timeout=10)
        elapsed = time.time() - started
        end_pids = [p for server in servers for p in worker_pids(server.pid)]
        samples.append((elapsed, {p: rss_mb(p) for p in end_pids}))
    finally:
        for server in servers:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
        for log in logs:
            log.close()
        if sink is not None:
            print(f"== {len(sink.messages)} mails sent through SMTP")
            sink.close()

    leftovers = [str(p.relative_to(i)) for i in instances[1:] for p in i.rglob("*")]
    if leftovers:  # a server with an empty instance folder must not have needed (or written) anything there
        print(f"files written in the second server's instance folder: {leftovers}")
        stats.errors["instance folder written"] += len(leftovers)
    return report(stats, counters, elapsed, samples, pids, end_pids, args, duration, log_paths, workdir)


def _delayed(stop, delay, fn, fn_args):
    if stop.wait(delay):
        return
    fn(*fn_args)


def report(stats, counters, elapsed, samples, pids, end_pids, args, duration, log_paths, workdir) -> int:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(f"\n{'endpoint':24s} {'count':>7s} {'err':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
    per_endpoint = {}
    for name in sorted(stats.times):
        v = stats.times[name]
        row = {"count": len(v), "errors": stats.errors.get(name, 0), "p50": round(pct(v, 50), 1),
               "p95": round(pct(v, 95), 1), "p99": round(pct(v, 99), 1), "max": round(max(v), 1)}
        per_endpoint[name] = row
        print(f"{name:24s} {row['count']:7d} {row['errors']:5d} {row['p50']:8.1f} {row['p95']:8.1f} "
              f"{row['p99']:8.1f} {row['max']:8.1f}")
    page_times = [t for n in PAGE_ENDPOINTS for t in stats.times.get(n, [])]
    sign_times = [t for n in SIGNOFF_ENDPOINTS for t in stats.times.get(n, [])]
    page_p95, sign_p95 = pct(page_times, 95), pct(sign_times, 95)
    # Each of the two must meet the target on its own too (the saves are the slower half).
    each_p95 = {n: pct(stats.times.get(n, []) or [math.inf], 95) for n in PAGE_ENDPOINTS}
    start_rss = sum(samples[0][1].values())
    end_rss = sum(samples[-1][1].values())
    respawned = sorted(set(end_pids) - set(pids))
    # Stable memory (soak): what the workers grow in the second half of the run, once warmed up.
    half = min(samples, key=lambda sample: abs(sample[0] - elapsed / 2))
    late_growth = end_rss - sum(half[1].values())
    print(f"\nthroughput {total / elapsed:.1f} req/s over {elapsed:.0f} s; {total} requests, {errors} errors; "
          f"{counters['submitted']} submissions, {counters['signed']} sign-offs")
    print(f"questionnaire pages+saves p95 {page_p95:.1f} ms ("
          + ", ".join(f"{n} {v:.1f}" for n, v in each_p95.items())
          + f"; target ≤ {TARGET_PAGE_P95_MS:.0f} for each); "
          f"sign-off p95 {sign_p95:.1f} ms (target ≤ {TARGET_SIGNOFF_P95_MS:.0f})")
    print(f"worker RSS (with their report processes) {start_rss:.1f} → {end_rss:.1f} MiB ({end_rss - start_rss:+.1f}); "
          f"respawned workers: {respawned or 'none'}")
    if args.soak:
        print(f"second half of the soak: {late_growth:+.1f} MiB (target ≤ {TARGET_SOAK_LATE_GROWTH_MB:.0f})")
    server_side = {name: {"p50": round(pct(v, 50), 1), "p95": round(pct(v, 95), 1), "p99": round(pct(v, 99), 1)}
                   for name, v in server_side_times(log_paths).items() if v}
    print("as gunicorn measured them (without network and client): " + "; ".join(
        f"{name} p50 {v['p50']:.0f} / p95 {v['p95']:.0f} / p99 {v['p99']:.0f} ms" for name, v in server_side.items()))
    per_server = [sum(1 for line in path.read_text(errors="replace").splitlines() if '"GET ' in line or '"POST ' in line)
                  for path in log_paths]
    if args.servers > 1:
        print("requests per server (access logs): " + ", ".join(map(str, per_server)))
    if stats.error_samples:
        print("first errors:\n  " + "\n  ".join(stats.error_samples))
    ok = (errors == 0 and bool(page_times) and bool(sign_times) and page_p95 <= TARGET_PAGE_P95_MS
          and all(v <= TARGET_PAGE_P95_MS for v in each_p95.values())
          and sign_p95 <= TARGET_SIGNOFF_P95_MS and not respawned
          and (not args.soak or late_growth <= TARGET_SOAK_LATE_GROWTH_MB))
    if args.keep or not ok:
        print("server log(s): " + ", ".join(map(str, log_paths)))
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    summary = {
        "benchmark": "load", "soak": bool(args.soak), "duration_s": round(elapsed, 1),
        "users": {"candidates": args.candidates, "reviewers": args.reviewers, "think_s": args.think},
        "server": {"servers": args.servers, "workers": args.workers, "threads": args.threads,
                   "database": "postgresql", "requests_per_server": per_server},
        "requests": total, "errors": errors, "throughput_rps": round(total / elapsed, 2),
        "submissions": counters["submitted"], "signoffs": counters["signed"],
        "page_p95_ms": round(page_p95, 1), "signoff_p95_ms": round(sign_p95, 1),
        "page_p95_ms_each": {n: round(v, 1) for n, v in each_p95.items()},
        "server_side_ms": server_side,
        "endpoints": per_endpoint,
        "rss_mb": {"start": round(start_rss, 1), "end": round(end_rss, 1), "growth": round(end_rss - start_rss, 1),
                   "second_half_growth": round(late_growth, 1),
                   "samples": [[round(t), round(sum(v.values()), 1)] for t, v in samples]},
        "targets": {"errors": 0, "page_p95_ms": TARGET_PAGE_P95_MS, "signoff_p95_ms": TARGET_SIGNOFF_P95_MS,
                    **({"soak_second_half_growth_mb": TARGET_SOAK_LATE_GROWTH_MB} if args.soak else {})},
        "ok": ok,
    }
    print(json.dumps(summary))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
