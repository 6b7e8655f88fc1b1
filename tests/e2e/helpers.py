"""Helpers for the browser tests: accounts, TOTP codes, e-mail from the outbox, log-in through the real pages."""
from __future__ import annotations

import email
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pyotp

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@dataclass
class Org:
    name: str
    slug: str
    kind: str = "gemeente"


@dataclass
class Account:
    email: str
    password: str
    name: str
    role: str
    org: Org | None = None
    recovery_codes: list[str] = field(default_factory=list)


class Authenticator:
    """Our 'authenticator app': remembers each user's TOTP secret and never hands out a code twice.

    The server accepts a code once per 30-second step and allows one step of drift, so a user may log in
    at most about three times per step; beyond that we wait for the next step.
    """

    def __init__(self):
        self.secrets: dict[str, str] = {}
        self._last_step: dict[str, int] = {}
        self._lock = threading.Lock()

    def register(self, who: str, secret: str) -> None:
        self.secrets[who.lower()] = re.sub(r"\s+", "", secret)

    def has(self, who: str) -> bool:
        return who.lower() in self.secrets

    def code(self, who: str) -> str:
        who = who.lower()
        secret = self.secrets[who]
        with self._lock:
            while True:
                now = time.time()
                step = int(now // 30)
                last = self._last_step.get(who, -1)
                # the current step, or the next one (still within the server's drift window)
                for candidate in (step, step + 1):
                    if candidate > last:
                        self._last_step[who] = candidate
                        return pyotp.TOTP(secret).at(candidate * 30)
                time.sleep(max(0.2, (step + 1) * 30 - now + 0.2))


def read_mail(path: Path):
    return email.message_from_bytes(Path(path).read_bytes(), policy=policy.default)


def mail_text(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def find_link(msg, pattern: str = r"https?://[^\s\"<>]+/activeren/[A-Za-z0-9_\-]+") -> str:
    text = mail_text(msg)
    match = re.search(pattern, text)
    assert match, f"geen link ({pattern}) in de e-mail:\n{text}"
    return match.group(0)


def submit(page, name: str | re.Pattern = None, *, scope: str = "main"):
    """Click a submit button by its accessible name inside ``scope`` and wait for the next page."""
    button = page.locator(scope).get_by_role("button", name=name, exact=isinstance(name, str)) \
        if name is not None else page.locator(f"{scope} [type=submit]").first
    with page.expect_navigation():
        button.first.click()


def login(page, visit, account: Account, authenticator: Authenticator, *, label: str = "") -> None:
    """Log in through the real pages: password, then the second factor (setting it up on the first log-in)."""
    who = label or account.role
    page.goto("/inloggen")
    visit(page, f"{who}-inloggen")
    form = page.locator("main form").first  # the password form (a second one starts single sign-on)
    form.get_by_label("E-mailadres").fill(account.email)
    form.get_by_label("Wachtwoord").fill(account.password)
    with page.expect_navigation():
        form.get_by_role("button", name="Inloggen").click()
    if "/inloggen/2fa-instellen" in page.url:
        visit(page, f"{who}-2fa-instellen")
        secret = page.locator("code.secret").get_attribute("data-secret")
        authenticator.register(account.email, secret)
        page.get_by_label("Code", exact=True).fill(authenticator.code(account.email))
        submit(page, "Bevestigen")
        assert "/account/herstelcodes" in page.url, page.url
        visit(page, f"{who}-herstelcodes")
        account.recovery_codes = page.locator("ul.codes code").all_inner_texts()
        assert account.recovery_codes
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("codes bewaard")).click()
        return
    assert "/inloggen/code" in page.url, f"onverwachte pagina na wachtwoord: {page.url}"
    visit(page, f"{who}-code")
    page.get_by_label("Code", exact=True).fill(authenticator.code(account.email))
    submit(page, "Inloggen")
    assert "/inloggen" not in page.url, page.url


def logout(page) -> None:
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Uitloggen").click()
    assert "/inloggen" in page.url


# --------------------------------------------------------------------------- keyboard

_MARK_FOCUSABLE = """
() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const out = [];
  let n = 0;
  document.querySelectorAll(selector).forEach(el => {
    if (el.disabled || el.type === 'hidden' || el.getAttribute('tabindex') === '-1') return;
    if (el.closest('[hidden], [inert]')) return;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return;
    if (!el.getClientRects().length) return;
    n += 1;
    el.dataset.e2eKey = String(n);
    const group = el.type === 'radio' ? 'radio:' + el.name : String(n);
    out.push({key: String(n), group: group, desc: describe(el)});
  });
  return out;
  function describe(el) {
    const label = el.labels && el.labels.length ? el.labels[0].innerText : (el.getAttribute('aria-label') || el.innerText || el.value || '');
    return el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') + (el.id ? '#' + el.id : '') + ' "' + label.trim().slice(0, 60) + '"';
  }
}
"""

_ACTIVE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  return {key: el.dataset.e2eKey || null, tag: el.tagName.toLowerCase(), id: el.id,
          focusVisible: el.matches(':focus-visible'), visibleIndicator: outline || shadow,
          outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor, shadow: cs.boxShadow};
}
"""


def tab_through(page, max_steps: int = 400) -> list[dict]:
    """Press Tab round the whole page until focus comes back where it started; check every stop.

    Every focusable control must be reached (a radio group counts once: arrows move inside it), every stop
    must show a visible focus indicator on :focus-visible, and focus must not get stuck (no trap): after the
    last control, Tab leaves the page and the next Tab lands on the first control again. Returns the stops.
    """
    focusable = page.evaluate(_MARK_FOCUSABLE)
    assert focusable, "geen focusbare elementen"
    first_key = focusable[0]["key"]
    stops: list[dict] = []
    seen: list[str] = []
    problems: list[str] = []
    left_page = False
    wrapped_to_top = False
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active is None:
            left_page = bool(seen)
            continue
        key = active["key"]
        if left_page and not wrapped_to_top and key != first_key:
            problems.append(f"na het verlaten van de pagina landt Tab op {active['tag']}#{active['id']}, "
                            "niet op het eerste element")
            break
        if key == first_key and seen:
            wrapped_to_top = True  # after the last control, (through the browser's own UI) back to the top
        if seen and key == seen[0]:
            break  # full circle
        if key is not None and seen and key == seen[-1]:
            problems.append(f"focus blijft hangen op {active['tag']}#{active['id']}")
            break
        if key is not None and key in seen:
            problems.append(f"focus gaat rond zonder de pagina te verlaten (focusval?) bij {active['tag']}#{active['id']}")
            break
        stops.append(active)
        if key is not None:
            seen.append(key)
        if not active["focusVisible"] or not active["visibleIndicator"]:
            problems.append(f"geen zichtbare focus op {active['tag']}#{active['id']} "
                            f"(outline: {active['outline']}; box-shadow: {active['shadow']})")
    else:
        problems.append(f"na {max_steps} keer Tab is de focus niet rond: mogelijk een focusval")
    if not problems and not wrapped_to_top:
        problems.append("de tabvolgorde keert niet terug naar het begin van de pagina: "
                        + ", ".join(f"{a['tag']}#{a['id']}" for a in stops))
    reached_groups = {f["group"] for f in focusable if f["key"] in set(seen)}
    missing = [f["desc"] for f in focusable if f["group"] not in reached_groups]
    if missing:
        problems.append("niet bereikbaar met Tab: " + "; ".join(missing))
    assert not problems, "\n".join(problems)
    return stops


def focus_by_tab(page, selector: str, max_steps: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has focus (keyboard-only navigation)."""
    target = page.locator(selector).first
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} niet bereikt met Tab")
