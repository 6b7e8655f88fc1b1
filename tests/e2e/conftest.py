"""Real-browser tests: the app as a real server, Debian's chromium through Playwright, axe-core on every page.

- The server is gunicorn (1 worker × 4 threads) on a free loopback port, production configuration, a
  temporary instance folder and always SQLite (DATABASE_URL is ignored here), seeded through the CLI.
- ``visit(page, name)`` takes a full-page screenshot into test-artifacts/e2e/screenshots/<test>/ and runs
  axe-core (WCAG 2.0/2.1 A+AA and 2.2 AA); a test fails at the end when any visited page had a violation
  or a JavaScript error.
- Every browser context records a Playwright trace, kept in test-artifacts/e2e/traces/ only on failure
  (open with ``.venv/bin/playwright show-trace <file>``).
- No chromium: the tests are skipped with a clear reason and a closing line in the summary, except with
  INTEGRITY_TOOL_REQUIRE_BROWSER=1 (CI), where they fail.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .helpers import ARTIFACTS, Account, Authenticator, Org, read_mail

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules that the brief also asks for (heading order, landmarks, duplicate ids).
AXE_EXTRA_RULES = ["heading-order", "page-has-heading-one", "empty-heading", "landmark-one-main", "region",
                   "landmark-unique", "landmark-no-duplicate-main", "landmark-no-duplicate-banner",
                   "landmark-no-duplicate-contentinfo", "landmark-banner-is-top-level",
                   "landmark-contentinfo-is-top-level", "landmark-main-is-top-level", "duplicate-id",
                   "duplicate-id-active", "label-title-only"]
AXE_RUN = """
([tags, extra]) => {
  const ids = axe.getRules(tags).filter(r => !r.tags.includes('experimental') && !r.tags.includes('deprecated'))
                 .map(r => r.ruleId);
  extra.forEach(id => { if (!ids.includes(id)) ids.push(id); });
  return axe.run(document, {runOnly: {type: 'rule', values: ids}, resultTypes: ['violations']});
}
"""
# With JavaScript disabled in the context, page.evaluate still runs (through the DevTools protocol) but timers
# never fire, and axe needs them: run them as microtasks. axe also skips <noscript> content, which is exactly
# what a no-script user sees: unwrap it (same nodes, so the test can still click them).
NO_SCRIPT_SHIM = """
() => {
  if (!window.__e2eShim) {
    window.__e2eShim = true;
    const soon = fn => Promise.resolve().then(fn);
    window.setTimeout = (fn, ms, ...args) => { soon(() => typeof fn === 'function' && fn(...args)); return 1; };
    window.clearTimeout = () => {};
    window.requestAnimationFrame = fn => { soon(() => fn(performance.now())); return 1; };
    window.requestIdleCallback = fn => { soon(() => fn({timeRemaining: () => 50, didTimeout: false})); return 1; };
  }
  document.querySelectorAll('noscript').forEach(ns => {
    const div = document.createElement('div');
    div.dataset.noscript = '';
    while (ns.firstChild) div.appendChild(ns.firstChild);
    ns.replaceWith(div);
  });
}
"""
# Checks of our own, reported like axe violations: things axe does not test but the house style requires.
OWN_CHECKS = """
() => {
  const out = [];
  const add = (id, help, nodes) => { if (nodes.length) out.push({id: id, impact: 'serious', help: help,
      helpUrl: 'tests/e2e/conftest.py', nodes: nodes.map(el => ({target: [el.id ? '#' + el.id : el.tagName.toLowerCase()],
      html: el.outerHTML.slice(0, 200), failureSummary: ''}))}); };
  const shown = el => !!el.getClientRects().length && !el.closest('[hidden]');
  // 1. every visible error message is tied to its field (aria-describedby / aria-errormessage) or sits in a label/legend
  add('eigen-foutmelding-gekoppeld', 'Foutmelding is niet aan het veld gekoppeld (aria-describedby)',
    Array.from(document.querySelectorAll('.form-error')).filter(shown).filter(err => {
      if (err.closest('label, legend')) return false;
      if (!err.id) return true;
      const id = CSS.escape(err.id);
      return !document.querySelector('[aria-describedby~="' + id + '"], [aria-errormessage="' + id + '"]');
    }));
  // 2. radio buttons and groups of checkboxes sit in a fieldset with a legend (or a named group)
  const groups = {};
  document.querySelectorAll('input[type=radio], input[type=checkbox]').forEach(i => {
    if (!shown(i)) return;
    const key = i.type + ':' + (i.form ? i.form.id || Array.from(document.forms).indexOf(i.form) : '') + ':' + i.name;
    (groups[key] = groups[key] || []).push(i);
  });
  add('eigen-groep-legend', 'Keuzerondjes of een groep vinkjes zonder fieldset/legend',
    Object.values(groups).filter(g => g.length > 1 || g[0].type === 'radio').map(g => g[0]).filter(i => {
      const fs = i.closest('fieldset');
      if (fs && fs.querySelector(':scope > legend') && fs.querySelector(':scope > legend').innerText.trim()) return false;
      const grp = i.closest('[role=group], [role=radiogroup]');
      return !(grp && (grp.getAttribute('aria-label') || grp.getAttribute('aria-labelledby')));
    }));
  // 3. a page title of its own before the site name
  const title = document.title.split(' – ')[0].trim();
  if (!title || title === 'Risicoanalyse integriteit' && document.querySelector('h1') &&
      document.querySelector('h1').innerText.trim() !== 'Risicoanalyse integriteit')
    add('eigen-paginatitel', 'De paginatitel noemt de pagina niet: "' + document.title + '"', [document.querySelector('title') || document.documentElement]);
  return out;
}
"""
MISSING_REASON = "chromium ontbreekt: sudo apt-get install chromium"
REQUIRED = os.environ.get("INTEGRITY_TOOL_REQUIRE_BROWSER") == "1"
PASSWORD = "paarse olifant danst op het dak"
# Seconds one browser test may take (server start and browser launch included) before pytest-timeout fails it.
E2E_TIMEOUT = 300
_HUNG: list[str] = []  # browser tests that hit the timeout; the rest then fail at once


# --------------------------------------------------------------------------- skipping policy

def _browser_problem() -> str | None:
    if not CHROMIUM.exists():
        return MISSING_REASON
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} ontbreekt: .venv/bin/pip install -e '.[test]'"
    return None


def _is_e2e(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before -m selection, so that "-m 'not e2e'" sees the marker
def pytest_collection_modifyitems(config, items):
    # Browser tests run last: Playwright's sync API keeps an asyncio event loop running in the main
    # thread until the session ends, and code under test elsewhere (pyHanko) calls asyncio.run().
    items[:] = [i for i in items if not _is_e2e(i)] + [i for i in items if _is_e2e(i)]
    problem = _browser_problem()
    for item in items:
        if not _is_e2e(item):
            continue
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.timeout(E2E_TIMEOUT))
        if problem and not REQUIRED:
            item.add_marker(pytest.mark.skip(reason=problem))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    problem = _browser_problem()
    if not problem or REQUIRED:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if r.nodeid.startswith("tests/e2e/") and problem in str(r.longrepr)]
    if not skipped:
        return
    tr = terminalreporter
    tr.write_sep("=", "BROWSERTESTS NIET GEDRAAID", yellow=True, bold=True)
    tr.write_line(f"{len(skipped)} browsertests (tests/e2e) zijn overgeslagen: {problem}.", yellow=True, bold=True)
    tr.write_line("Inschakelen: sudo apt-get install chromium   (of ./scripts/ensure-system-packages), "
                  "daarna opnieuw: make test", yellow=True)
    tr.write_line("In CI (INTEGRITY_TOOL_REQUIRE_BROWSER=1) falen ze in plaats van overgeslagen te worden.")


# --------------------------------------------------------------------------- reports on the item

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed and _is_e2e(item) and "Timeout (>" in str(report.longrepr):
        _HUNG.append(item.nodeid)
    return report


def pytest_runtest_setup(item):
    # After one hung browser test the browser or the server is in an unknown state: fail the others
    # at once instead of letting each wait for its own timeout.
    if _HUNG and _is_e2e(item):
        pytest.fail(f"niet gedraaid: een eerdere browsertest hing ({_HUNG[0]}); zie de stacktrace daar",
                    pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    recorder = getattr(item, "_a11y_recorder", None)
    if recorder is not None:
        recorder.assert_clean()
    return result


def _failed(item) -> bool:
    return any(getattr(getattr(item, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "x"


# --------------------------------------------------------------------------- the server

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The running app plus its CLI and outbox (everything the tests may touch on the 'server side')."""

    def __init__(self, base_url: str, instance: Path, env: dict, log_path: Path):
        self.base_url = base_url
        self.instance = instance
        self.env = env
        self.log_path = log_path
        self._n = 0

    def cli(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run([str(BIN / "integrity-tool"), *args], env=self.env, input=input, text=True,
                                capture_output=True, timeout=180, cwd=ROOT)
        if result.returncode != 0:
            raise AssertionError(f"integrity-tool {' '.join(args)} faalde ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result.stdout

    def unique(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}{os.urandom(2).hex()}"

    def make_org(self, name: str | None = None, kind: str = "gemeente") -> Org:
        name = name or f"Gemeente {self.unique('Testdorp').capitalize()}"
        out = self.cli("org", "create", "--name", name, "--kind", kind)
        match = re.search(r"code '([^']+)'", out)
        assert match, out
        return Org(name=name, slug=match.group(1), kind=kind)

    def make_user(self, org: Org, role: str, name: str | None = None, email: str | None = None) -> Account:
        tag = self.unique(role)
        email = email or f"{tag}@e2e.example.nl"
        name = name or {"griffier": "Greet Griffier", "reviewer": "Bram Burgemeester",
                        "admin": "Bea Beheer", "candidate": "Karel Kandidaat"}.get(role, "Test") + f" {tag[-4:]}"
        self.cli("user", "create", "--email", email, "--name", name, "--role", role, "--org", org.slug,
                 "--password-stdin", input=PASSWORD + "\n")
        return Account(email=email, password=PASSWORD, name=name, role=role, org=org)

    def files(self) -> dict[str, tuple[int, int]]:
        """Every file under the instance folder, with its size and modification time (to watch for writes)."""
        return {str(p.relative_to(self.instance)): (p.stat().st_size, p.stat().st_mtime_ns)
                for p in self.instance.rglob("*") if p.is_file()}

    def written_by_requests(self, before: dict[str, tuple[int, int]]) -> list[str]:
        """Files under instance/ created or changed since ``before``, except what a single-machine server
        keeps there by design: its SQLite database (PostgreSQL on several servers), the .eml outbox (the
        mail default without SMTP) and logs."""
        by_design = ("outbox/", "integrity_tool.db")
        return sorted(name for name, stamp in self.files().items()
                      if before.get(name) != stamp and not name.startswith(by_design) and not name.endswith(".log"))

    def outbox(self) -> list[Path]:
        return sorted((self.instance / "outbox").glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name))

    def wait_for_mail(self, to: str, *, after: int = 0, timeout: float = 15.0):
        """The first message to ``to`` among outbox files beyond the first ``after`` (see len(outbox()))."""
        deadline = time.time() + timeout
        while True:
            for path in self.outbox()[after:]:
                msg = read_mail(path)
                if to.lower() in str(msg["To"]).lower():
                    return msg
            if time.time() > deadline:
                raise AssertionError(f"geen e-mail aan {to} in {self.instance / 'outbox'}")
            time.sleep(0.2)

    def ca_pem(self, slug: str) -> bytes:
        """The organisation's CA as verifiers get it (it is in the database, not in instance/keys/)."""
        with urllib.request.urlopen(f"{self.base_url}/verificatie/ca/{slug}.pem", timeout=30) as response:
            return response.read()

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    problem = _browser_problem()
    if problem:
        if REQUIRED:
            pytest.fail(f"{problem}. INTEGRITY_TOOL_REQUIRE_BROWSER=1: de browsertests zijn verplicht en kunnen "
                        "niet draaien.", pytrace=False)
        pytest.skip(problem)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    instance = tmp_path_factory.mktemp("e2e") / "instance"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INTEGRITY_TOOL_") and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update({
        "INTEGRITY_TOOL_INSTANCE": str(instance),
        "INTEGRITY_TOOL_ENV": "production",
        "INTEGRITY_TOOL_SESSION_COOKIE_SECURE": "false",
        "INTEGRITY_TOOL_BASE_URL": base_url,
        "PYTHONUNBUFFERED": "1",
    })
    log_path = ARTIFACTS / "server.log"
    srv = Server(base_url, instance, env, log_path)
    srv.cli("init")
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "-", "--graceful-timeout", "2", "integrity_tool:create_app()"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"de server is gestopt ({proc.returncode}):\n{srv.log_tail()}")
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise AssertionError(f"de server start niet:\n{srv.log_tail()}")
            time.sleep(0.2)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def authenticator() -> Authenticator:
    return Authenticator()


# --------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def _playwright(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class A11yRecorder:
    """Screenshots and axe-core results of every visited page, plus JavaScript errors, for one test."""

    def __init__(self, test_name: str):
        from axe_playwright_python.base import AXE_SCRIPT

        self.axe_script = AXE_SCRIPT
        self.dir = ARTIFACTS / "screenshots" / test_name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.visited: list[str] = []
        self.violations: list[str] = []
        self.js_errors: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.js_errors.append(f"{page.url}: {exc}"))

        def on_console(msg):
            if msg.type != "error":
                return
            source = (msg.location or {}).get("url", "")
            # an error status of the page itself (404 page, 400 CSRF page) is checked by the test
            if msg.text.startswith("Failed to load resource") and (source == page.url or source.endswith("/favicon.ico")):
                return
            self.js_errors.append(f"{page.url}: console.error: {msg.text} ({source})")

        page.on("console", on_console)

    def __call__(self, page, name: str, *, screenshot: bool = True) -> dict:
        page.wait_for_load_state("load")
        self.count += 1
        label = f"{self.count:02d}-{_safe_name(name)}"
        if screenshot:
            page.screenshot(path=str(self.dir / f"{label}.png"), full_page=True)
        if getattr(page.context, "_e2e_scripts_off", False):
            page.evaluate(NO_SCRIPT_SHIM)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.axe_script)
        results = page.evaluate(AXE_RUN, [AXE_TAGS, AXE_EXTRA_RULES])
        for problem in page.evaluate(OWN_CHECKS):
            results["violations"].append(problem)
        self.visited.append(f"{label} {page.url}")
        for violation in results["violations"]:
            lines = [f"[{label}] {page.url}",
                     f"  {violation['id']} ({violation.get('impact')}): {violation['help']}  <{violation['helpUrl']}>"]
            for node in violation["nodes"][:8]:
                lines.append(f"    - {' '.join(map(str, node['target']))}: {node['html'][:200]}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                if summary:
                    lines.append(f"      {summary[:300]}")
            if len(violation["nodes"]) > 8:
                lines.append(f"    ... en nog {len(violation['nodes']) - 8}")
            self.violations.append("\n".join(lines))
        return results

    def assert_clean(self) -> None:
        problems = []
        if self.violations:
            problems.append(f"axe-core: {len(self.violations)} schending(en) van WCAG A/AA:\n" + "\n".join(self.violations))
        if self.js_errors:
            problems.append("JavaScript-fouten:\n" + "\n".join(f"  {e}" for e in self.js_errors))
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def visit(request, browser) -> A11yRecorder:
    recorder = A11yRecorder(_safe_name(request.node.name))
    request.node._a11y_recorder = recorder
    return recorder


@pytest.fixture
def new_context(request, browser, server, visit):
    """Factory for browser contexts (one per role); each records a trace, kept only when the test fails."""
    contexts = []
    traces = ARTIFACTS / "traces"
    for old in traces.glob(f"{_safe_name(request.node.name)}*.zip"):  # from an earlier, failed run
        old.unlink()

    def factory(**kwargs):
        options = {"base_url": server.base_url, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam",
                   "viewport": {"width": 1280, "height": 900}, "accept_downloads": True}
        options.update(kwargs)
        context = browser.new_context(**options)
        context._e2e_scripts_off = options.get("java_script_enabled") is False
        context.set_default_timeout(15_000)
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
        context.on("page", visit.watch)
        contexts.append(context)
        return context

    yield factory

    failed = _failed(request.node)
    for n, context in enumerate(contexts):
        try:
            if failed:
                traces.mkdir(parents=True, exist_ok=True)
                suffix = f"-{n + 1}" if n else ""
                context.tracing.stop(path=str(traces / f"{_safe_name(request.node.name)}{suffix}.zip"))
            else:
                context.tracing.stop()
        finally:
            context.close()
    if failed:
        print(f"\nServerlog (laatste regels, volledig in {server.log_path}):\n{server.log_tail(30)}")


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def org(server) -> Org:
    """One organisation (gemeente) for the whole run; every test makes its own users in it."""
    return server.make_org("Gemeente Lindendal")


@pytest.fixture(scope="session")
def staff(server, org) -> tuple[Account, Account]:
    """A griffier and a reviewer, created with a password through the CLI; their 2FA is set up in the browser."""
    return server.make_user(org, "griffier"), server.make_user(org, "reviewer")
