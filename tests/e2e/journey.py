"""The candidate's journey through the real pages, shared by the scenarios (JavaScript on/off, phone size).

Written against what a person sees: labels, button texts, headings. Questions that the scenario does not
care about get a plausible default answer; the ones it does care about are answered explicitly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .helpers import Account, Authenticator, find_link, login, logout, submit

CANDIDATE_PASSWORD = "mijn fiets staat altijd achter het gemeentehuis"

# Answers that differ from the default ("nee" for yes/no, the first option otherwise).
ANSWERS = {
    "ingezetene": "ja",
    "kiesgerechtigd": "ja",
    "cv_juist": "ja",
    "werkgever_relatie": "ja",  # gives the reviewer a finding to weigh
    "kent_gedragscode": "ja",
    "toestemming_privacy": "ja",
    "werkgever": "Adviesbureau Polder BV",
    "functie": "Senior adviseur ruimtelijke ordening",
}


@dataclass
class Candidate:
    account: Account
    link: str
    dossier_url: str = ""


class Journey:
    """One candidate going through the pages in one browser page (JS on or off, any viewport)."""

    def __init__(self, page, visit, server, authenticator: Authenticator, *, js: bool = True,
                 max_width: int | None = None, label: str = "kandidaat"):
        self.page = page
        self.visit = visit
        self.server = server
        self.authenticator = authenticator
        self.js = js
        self.max_width = max_width
        self.label = label
        self.refreshes = 0

    # -- helpers ---------------------------------------------------------------------------------

    def look(self, name: str) -> None:
        """Screenshot + axe, and on a phone: no horizontal scrolling."""
        self.visit(self.page, f"{self.label}-{name}")
        if self.max_width:
            width = self.page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= self.max_width, f"horizontaal scrollen op {self.page.url}: {width}px > {self.max_width}px"

    def click(self, role: str, name, *, scope: str = "main") -> None:
        target = self.page.locator(scope).get_by_role(role, name=name, exact=isinstance(name, str)).first
        with self.page.expect_navigation():
            target.click()

    # -- activation ------------------------------------------------------------------------------

    def activate(self, candidate: Candidate) -> None:
        page, account = self.page, candidate.account
        page.goto(candidate.link)
        self.look("activeren-wachtwoord")
        assert page.locator("h1").inner_text().startswith("Welkom")
        # two different passwords: an error tied to the field
        page.get_by_label("Nieuw wachtwoord").fill(account.password)
        page.get_by_label("Herhaal het wachtwoord").fill(account.password + " anders")
        submit(page, "Verder")
        self.look("activeren-wachtwoord-fout")
        assert page.locator("#error-summary").is_visible()
        page.get_by_label("Nieuw wachtwoord").fill(account.password)
        page.get_by_label("Herhaal het wachtwoord").fill(account.password)
        submit(page, "Verder")
        assert "/tweestaps" in page.url, page.url
        self.look("activeren-tweede-stap")
        self.authenticator.register(account.email, page.locator("code.secret").get_attribute("data-secret"))
        page.get_by_label("Code", exact=True).fill(self.authenticator.code(account.email))
        submit(page, "Code controleren")
        assert "/privacy" in page.url, page.url
        self.look("activeren-privacy")
        submit(page, "Account activeren")  # without ticking the box: an error
        self.look("activeren-privacy-fout")
        assert page.locator("#error-summary").is_visible()
        page.get_by_label("Ik heb de privacyverklaring gelezen").check()
        submit(page, "Account activeren")
        assert "/account/herstelcodes" in page.url, page.url
        self.look("herstelcodes")
        account.recovery_codes = page.locator("ul.codes code").all_inner_texts()
        self.click("link", re.compile("codes bewaard"))
        assert "/kandidaat" in page.url, page.url
        self.look("start")

    def login(self, account: Account) -> None:
        login(self.page, self.visit, account, self.authenticator, label=self.label)
        assert "/kandidaat" in self.page.url, self.page.url

    # -- the questionnaire -----------------------------------------------------------------------

    def section_title(self) -> str:
        return self.page.locator("h1").inner_text()

    def _unanswered_visible(self, done: set[str]) -> list[str]:
        """ids of visible, not yet answered questions on the section page (repeats excluded)."""
        return self.page.evaluate(
            """done => {
              const out = [];
              document.querySelectorAll('main form .question').forEach(q => {
                if (q.hidden || q.closest('[hidden]') || !q.getClientRects().length) return;
                const fs = q.querySelector(':scope > fieldset');
                if (fs && fs.id.endsWith('-list')) return;  // a repeat: handled by the scenario
                const input = q.querySelector('input:not([type=hidden]), textarea, select');
                if (!input) return;
                const id = input.name;
                if (done.includes(id)) return;
                const inputs = q.querySelectorAll('[name="' + id + '"]');
                const answered = Array.from(inputs).some(i =>
                  (i.type === 'radio' || i.type === 'checkbox') ? i.checked : i.value.trim() !== '');
                if (!answered) out.push(id);
              });
              return out;
            }""", sorted(done))

    def _answer(self, qid: str, value=None) -> None:
        page = self.page
        value = ANSWERS.get(qid) if value is None else value
        inputs = page.locator(f"main form [name='{qid}']")
        kind = inputs.first.evaluate("el => el.tagName.toLowerCase() === 'textarea' ? 'textarea' : el.type")
        if kind == "radio":
            values = inputs.evaluate_all("els => els.map(e => e.value)")
            choice = value if value is not None else ("nee" if "nee" in values else values[0])
            page.locator(f"main form input[name='{qid}'][value='{choice}']").check()
        elif kind == "checkbox":
            choices = value if isinstance(value, list) else [value] if value else None
            values = inputs.evaluate_all("els => els.map(e => e.value)")
            for choice in choices or [values[-1]]:
                page.locator(f"main form input[name='{qid}'][value='{choice}']").check()
        else:
            field = page.locator(f"main form #{qid}")
            if value is None:
                mode = field.get_attribute("inputmode")
                if kind == "textarea":
                    value = "Toelichting van de kandidaat."
                elif mode == "decimal":
                    value = "1.250,50"
                elif mode == "numeric":
                    value = "12345678" if "kvk" in qid else "10"
                elif field.get_attribute("autocomplete") == "off":
                    value = "17-03-2026"
                else:
                    value = "Gemeente Voorbeeld"
            field.fill(value)

    def answer(self, answers: dict | None = None) -> None:
        """Answer the given questions, then every other visible open question, refreshing without JS."""
        done: set[str] = set()
        for qid, value in (answers or {}).items():
            self._answer(qid, value)
            done.add(qid)
        if answers:
            self.refresh_conditions()
        for _round in range(5):
            open_ids = self._unanswered_visible(done)
            if not open_ids:
                return
            for qid in open_ids:
                self._answer(qid)
                done.add(qid)
            self.refresh_conditions()
        raise AssertionError(f"vragen blijven open op {self.page.url}")

    def refresh_conditions(self) -> None:
        """Without JavaScript, 'Vragen bijwerken' asks the server which questions apply now."""
        button = self.page.get_by_role("button", name="Vragen bijwerken")
        if self.js:
            assert not button.count(), "'Vragen bijwerken' hoort alleen zonder JavaScript"
            return
        if button.count():
            with self.page.expect_navigation():
                button.click()
            self.refreshes += 1

    def save_and_next(self) -> None:
        self.click("button", "Opslaan en verder")

    def question_visible(self, qid: str) -> bool:
        return self.page.locator(f"main form .question:has([name='{qid}'])").first.is_visible()

    def add_item(self, repeat_label: str, values: dict, *, first: bool) -> None:
        """Add an item to a repeat question ('Toevoegen' first saves what is typed on the section page)."""
        name = re.compile(("^Toevoegen" if first else "^Nog een toevoegen") + ".*" + re.escape(repeat_label))
        self.click("button", name)
        assert "/nieuw" in self.page.url, self.page.url
        self.look("item-nieuw")
        for qid, value in values.items():
            self._answer(qid, value)
        self.refresh_conditions()
        for qid in self._unanswered_visible(set(values)):
            self._answer(qid)
        self.refresh_conditions()
        self.click("button", "Opslaan")


# --------------------------------------------------------------------------- the scenario's steps

def invite(page, visit, server, griffier: Account, reviewer: Account, *, name: str, label: str = "griffier",
           resend: bool = False) -> Candidate:
    """The griffier creates a dossier and invites the candidate (optionally resending the invitation)."""
    email = f"{server.unique('kandidaat')}@e2e.example.nl"
    page.goto("/griffie/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Griffie").get_by_role("link", name="Nieuw dossier").click()
    visit(page, f"{label}-nieuw-dossier")
    # an invalid e-mail address first
    page.get_by_label("Naam van de kandidaat").fill(name)
    page.get_by_label("E-mailadres van de kandidaat").fill("geen-e-mailadres")
    submit(page, "Dossier aanmaken en uitnodiging versturen")
    visit(page, f"{label}-nieuw-dossier-fout")
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("E-mailadres van de kandidaat").get_attribute("aria-invalid") == "true"
    page.get_by_label("E-mailadres van de kandidaat").fill(email)
    page.get_by_label("Portefeuille (niet verplicht)").fill("Financiën en economische zaken")
    page.get_by_label("Beoordelaar").select_option(label=reviewer.name)
    before = len(server.outbox())
    submit(page, "Dossier aanmaken en uitnodiging versturen")
    assert "/griffie/dossiers/" in page.url, page.url
    visit(page, f"{label}-dossier")
    assert name in page.locator("h1").inner_text()
    link = find_link(server.wait_for_mail(email, after=before))
    if resend:
        with page.expect_navigation():
            page.get_by_role("link", name="Uitnodiging opnieuw sturen").click()
        visit(page, f"{label}-uitnodiging-opnieuw")
        before = len(server.outbox())
        submit(page, "Nieuwe uitnodiging versturen")
        visit(page, f"{label}-uitnodiging-opnieuw-verstuurd")
        old, link = link, find_link(server.wait_for_mail(email, after=before))
        assert old != link
        response = page.goto(old)  # the first link no longer works
        assert response.status == 410
        visit(page, f"{label}-oude-uitnodiging-werkt-niet")
        assert "werkt niet" in page.locator("h1").inner_text()
    account = Account(email=email, password=CANDIDATE_PASSWORD, name=name, role="candidate")
    return Candidate(account=account, link=link)


def fill_in_questionnaire(j: Journey, candidate: Candidate) -> None:
    """The candidate's part: conditional questions, two nevenfuncties, a validation error, save and resume."""
    page = j.page
    j.click("link", re.compile("Beginnen met invullen"))
    j.look("vragenlijst-overzicht")
    j.click("link", re.compile("^Verder met: "))
    candidate.dossier_url = page.url.split("/onderdeel/")[0]

    # 1. Benoembaarheid: a conditional question appears when the VOG has been applied for
    assert j.section_title() == "Benoembaarheid en VOG"
    j.look("onderdeel-benoembaarheid")
    assert not j.question_visible("vog_datum")
    j.answer({"vog_aangevraagd": "ja"})
    assert j.question_visible("vog_datum"), "de vervolgvraag over de VOG-datum verschijnt niet"
    j.look("onderdeel-benoembaarheid-ingevuld")
    j.save_and_next()

    # 2., 3.: then 'Opslaan en later verder'
    j.look("onderdeel-2")
    j.answer()
    j.save_and_next()
    j.look("onderdeel-3")
    third = j.section_title()
    j.answer()
    j.click("button", "Opslaan en later verder")
    assert page.url.rstrip("/").endswith("/kandidaat"), page.url
    j.look("later-verder")
    assert "opgeslagen" in page.locator(".flashes").inner_text()
    logout(page)
    j.look("uitgelogd")

    # log in again and resume where we left off
    j.login(candidate.account)
    j.look("weer-ingelogd")
    j.click("link", re.compile("Verder met invullen"))
    j.look("vragenlijst-overzicht-hervat")
    j.click("link", re.compile("^Verder met: "))
    assert j.section_title() != third and "Nevenfuncties" in j.section_title(), j.section_title()

    # 4. Nevenfuncties: the list appears after "ja"; two items, the first with a validation error
    j.look("onderdeel-nevenfuncties")
    j.answer({"heeft_nevenfuncties": "ja"})
    assert page.get_by_role("group", name="Uw nevenfuncties").is_visible()
    j.click("button", re.compile("^Toevoegen.*Uw nevenfuncties"))
    j.look("nevenfunctie-1")
    j.answer({"omschrijving": "Voorzitter", "organisatie": "Stichting Dorpshuis De Linde", "betaald": "ja",
              "qq": "nee", "behouden": "ja"})
    assert j.question_visible("bedrag_per_jaar")
    page.locator("#bedrag_per_jaar").fill("veel geld")
    j.click("button", "Opslaan")
    j.look("nevenfunctie-1-fout-bedrag")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    amount = page.locator("#bedrag_per_jaar")
    assert amount.get_attribute("aria-invalid") == "true"
    error_id = [i for i in amount.get_attribute("aria-describedby").split() if i.endswith("-error")][0]
    assert page.locator(f"#{error_id}").inner_text().strip()
    amount.fill("1.250,50")
    j.click("button", "Opslaan")
    assert "/onderdeel/" in page.url and "/nieuw" not in page.url, page.url
    j.look("nevenfuncties-1-item")
    j.click("button", re.compile("^Nog een toevoegen.*Uw nevenfuncties"))
    j.look("nevenfunctie-2")
    j.answer({"omschrijving": "Lid raad van toezicht", "organisatie": "Woningcorporatie Ons Huis",
              "betaald": "nee", "qq": "nee", "behouden": "nee"})
    assert not j.question_visible("bedrag_per_jaar")
    j.click("button", "Opslaan")
    j.look("nevenfuncties-2-items")
    items = page.locator("main ol.repeat-items > li")
    assert items.count() == 2
    assert "1.250,50" in items.nth(0).inner_text()
    j.answer()
    j.save_and_next()

    # the remaining sections
    for _ in range(20):
        if "/controleren" in page.url:
            break
        j.look("onderdeel-" + re.sub(r"\W+", "-", j.section_title().lower()).strip("-"))
        j.answer()
        j.save_and_next()
    assert "/controleren" in page.url, page.url


def review_and_submit(j: Journey, candidate: Candidate, label: str = "") -> None:
    page = j.page
    j.look(f"{label}controleren")
    assert "Stichting Dorpshuis De Linde" in page.locator("main").inner_text()
    if not label:
        # submitting without the declaration: errors tied to the fields
        submit(page, "Vragenlijst indienen")
        j.look("indienen-fout")
        assert page.locator("#error-summary").is_visible()
    page.get_by_label(re.compile("naar waarheid")).check()
    page.get_by_label("Uw volledige naam").fill(candidate.account.name)
    submit(page, "Vragenlijst indienen")
    j.look(f"{label}ingediend")
    assert "ingediend" in page.locator(".flashes").inner_text()
