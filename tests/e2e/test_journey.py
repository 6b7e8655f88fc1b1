"""The whole journey across roles, in real Chromium, with axe-core on every page and every error state."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from integrity_tool import signing

from .helpers import ARTIFACTS, Account, find_link, login, mail_text, submit
from .journey import Candidate, Journey, fill_in_questionnaire, invite, review_and_submit

pytestmark = pytest.mark.e2e


def verify_pdf(data: bytes, roots: list[bytes]):
    """integrity_tool.signing.verify_pdf in a thread of its own: pyHanko runs an asyncio loop, and
    Playwright's sync API already has one running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(signing.verify_pdf, data, roots).result()


def test_whole_journey(new_context, visit, server, authenticator, org, tmp_path):
    # staff of their own, so that this scenario always includes the 2FA set-up on the first log-in
    griffier, reviewer = server.make_user(org, "griffier"), server.make_user(org, "reviewer")
    instance_before = server.files()  # issue 15: no request writes under instance/ (but the outbox)
    # --- the griffier invites the candidate (2FA set-up on the first log-in)
    griffie_page = new_context().new_page()
    login(griffie_page, visit, griffier, authenticator)
    candidate = invite(griffie_page, visit, server, griffier, reviewer, name="Karel Kandidaat", resend=True)

    # --- the candidate activates the account and fills in the questionnaire
    cand_page = new_context().new_page()
    j = Journey(cand_page, visit, server, authenticator)
    j.activate(candidate)
    fill_in_questionnaire(j, candidate)
    mail_count = len(server.outbox())
    review_and_submit(j, candidate)

    # --- the burgemeester is told by mail (a link, no content) that a dossier waits
    notice = server.wait_for_mail(reviewer.email, after=mail_count)
    assert "wacht op uw beoordeling" in str(notice["Subject"])
    dossier_link = find_link(notice, r"https?://\S+/beoordeling/dossier/\S+")
    assert candidate.account.name not in mail_text(notice)

    # --- the reviewer reviews, changes a finding's level with a justification, asks for clarification
    rev = new_context().new_page()
    login(rev, visit, reviewer, authenticator, label="beoordelaar")
    visit(rev, "beoordelaar-dashboard")
    with rev.expect_navigation():
        rev.get_by_role("link", name=candidate.account.name).click()
    visit(rev, "beoordelaar-dossier")
    assert urlsplit(rev.url).path == urlsplit(dossier_link).path  # the mail's link leads to this page
    public_id = dossier_link.rstrip("/").rsplit("/", 1)[1]
    change_finding_level(rev, visit)
    mail_count = len(server.outbox())
    ask_clarification(rev, visit)

    # --- the candidate answers (from the e-mail), changes an answer and resubmits
    link = find_link(server.wait_for_mail(candidate.account.email, after=mail_count), r"https?://\S+/kandidaat\S*")
    answer_clarification(j, candidate, link)

    # --- the reviewer sees the change, records the gesprek and proposes a measure
    rev.goto(rev.url.split("#")[0].split("/toelichting")[0])
    visit(rev, "beoordelaar-dossier-opnieuw-ingediend")
    assert "Gewijzigd sinds de vorige indiening" in rev.locator("main").inner_text()
    assert "Senior beleidsadviseur" in rev.locator("main").inner_text()
    record_gesprek(rev, visit)
    mail_count = len(server.outbox())
    propose_measure(rev, visit)

    # --- the candidate accepts the measure
    link = find_link(server.wait_for_mail(candidate.account.email, after=mail_count), r"https?://\S+/kandidaat\S*")
    cand_page.goto(link)
    j.look("maatregelen")
    j.click("button", "Accepteren")
    j.look("maatregel-geaccepteerd")
    assert "geaccepteerd" in cand_page.locator(".flashes").inner_text()

    # --- the reviewer concludes and signs off with a TOTP code; both PDFs download and verify
    mail_count = len(server.outbox())
    conclude_and_sign(rev, visit, reviewer, authenticator)
    ca = server.ca_pem(org.slug)
    pdfs = {}
    links = rev.locator("main").get_by_role("link", name=re.compile(r"\(PDF\)$"))
    assert links.count() == 2, links.all_inner_texts()
    for n in range(2):
        with rev.expect_download() as info:
            links.nth(n).click()
        download = info.value
        data = Path(download.path()).read_bytes()
        keep = ARTIFACTS / "downloads" / download.suggested_filename
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_bytes(data)
        (keep.parent / f"{org.slug}-ca.pem").write_bytes(ca)
        result = verify_pdf(data, [ca])
        assert result.ok, (download.suggested_filename, result.problems)
        assert result.document_number
        pdfs[download.suggested_filename] = data
    assert len(pdfs) == 2, list(pdfs)
    # and the public verification page says the same
    summary_name = next(n for n in pdfs if "vertrouwelijk" not in n.lower())
    check_on_verification_page(cand_page, visit, pdfs[summary_name], tmp_path / summary_name)

    # --- the griffier is told, and downloads this one raad summary from the dossier page and the overview
    signed = server.wait_for_mail(griffier.email, after=mail_count)
    assert "afgerond en ondertekend" in str(signed["Subject"])
    griffie_page.goto(find_link(signed, r"https?://\S+/griffie/dossiers/\S+"))
    visit(griffie_page, "griffie-dossier-afgerond")
    with griffie_page.expect_download() as info:
        griffie_page.get_by_role("link", name=re.compile(r"Samenvatting voor de gemeenteraad \(PDF\)")).click()
    griffie_summary = Path(info.value.path()).read_bytes()
    assert griffie_summary == pdfs[summary_name] and verify_pdf(griffie_summary, [ca]).ok
    griffie_page.goto("/griffie/")
    row = griffie_page.get_by_role("row").filter(has_text=candidate.account.name)
    with griffie_page.expect_download() as info:
        row.get_by_role("link", name="Samenvatting (PDF)").click()
    assert Path(info.value.path()).read_bytes() == griffie_summary
    assert public_id in info.value.url

    # --- the candidate downloads the confidential report too
    cand_page.goto("/kandidaat/maatregelen/")
    j.look("afgerond")
    with cand_page.expect_download() as info:
        cand_page.get_by_role("link", name=re.compile("Vertrouwelijk rapport downloaden")).click()
    assert verify_pdf(Path(info.value.path()).read_bytes(), [ca]).valid

    # --- the whole journey wrote nothing under instance/ but mail in the outbox: signing material,
    # questionnaires and reports live in the database, so a second server needs no shared folder
    assert server.written_by_requests(instance_before) == []


def change_finding_level(rev, visit) -> None:
    finding = rev.locator("article.finding").first
    finding.locator("summary", has_text="Niveau aanpassen").click()
    level = finding.get_by_label("Nieuw niveau")
    current = level.input_value()
    new = "aandachtspunt" if current != "aandachtspunt" else "hoog"
    level.select_option(new)
    finding.get_by_label("Onderbouwing (verplicht)").fill(
        "De werkgever krijgt alleen kleine opdrachten via een openbare aanbesteding.")
    with rev.expect_navigation():
        finding.get_by_role("button", name="Niveau vastleggen").click()
    visit(rev, "beoordelaar-niveau-aangepast")
    assert "vastgelegd" in rev.locator(".flashes").inner_text()
    assert "Onderbouwing: De werkgever krijgt" in rev.locator("main").inner_text()


def ask_clarification(rev, visit) -> None:
    with rev.expect_navigation():
        rev.locator("main").get_by_role("link", name="Vraag om toelichting").click()
    visit(rev, "beoordelaar-toelichting")
    submit(rev, "Vragen versturen en dossier teruggeven aan de kandidaat")  # no question: an error
    visit(rev, "beoordelaar-toelichting-fout")
    assert rev.locator("#error-summary").is_visible()
    rev.get_by_label("Vraag 1").fill("Welke opdrachten heeft uw werkgever de afgelopen twee jaar van de gemeente gekregen?")
    submit(rev, "Vragen versturen en dossier teruggeven aan de kandidaat")
    visit(rev, "beoordelaar-toelichting-gevraagd")
    assert "verstuurd" in rev.locator(".flashes").inner_text()


def answer_clarification(j: Journey, candidate: Candidate, link: str) -> None:
    page = j.page
    page.goto(link)
    j.look("toelichting-gevraagd")
    page.get_by_label("Uw toelichting").first.fill("Twee kleine onderzoeksopdrachten via een openbare aanbesteding.")
    j.click("button", "Toelichting opslaan")
    j.look("toelichting-opgeslagen")
    # change an answer, then submit again
    page.goto("/kandidaat/")
    j.click("link", "Antwoorden aanpassen")
    j.look("dossier-terug")
    j.click("link", "Werk, CV en terugkeer")
    j.look("onderdeel-wijzigen")
    page.locator("#functie").fill("Senior beleidsadviseur")
    j.save_and_next()
    page.goto(candidate.dossier_url + "/controleren")
    review_and_submit(j, candidate, label="opnieuw-")


def record_gesprek(rev, visit) -> None:
    with rev.expect_navigation():
        rev.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Gesprek").click()
    visit(rev, "beoordelaar-gespreksleidraad")
    rev.get_by_label("Datum van het gesprek").fill(date.today().isoformat())
    rev.get_by_label("Deelnemers").fill("De burgemeester, de kandidaat en de griffier")
    rev.get_by_label("Aantekeningen").fill("Nevenfuncties en de opdrachten van de werkgever besproken.")
    submit(rev, "Gesprek vastleggen")
    visit(rev, "beoordelaar-gesprek-vastgelegd")
    assert "vastgelegd" in rev.locator(".flashes").inner_text()


def propose_measure(rev, visit) -> None:
    with rev.expect_navigation():
        rev.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Maatregelen").click()
    visit(rev, "beoordelaar-maatregelen")
    submit(rev, "Maatregel toevoegen")  # empty: errors
    visit(rev, "beoordelaar-maatregel-fout")
    assert rev.locator("#error-summary").is_visible()
    rev.get_by_label("Titel").fill("Geen bemoeienis met opdrachten aan de werkgever")
    rev.get_by_label("Omschrijving").fill("De wethouder onthoudt zich van besluiten over opdrachten aan de werkgever.")
    rev.get_by_label("Uiterlijk op").fill((date.today() + timedelta(days=90)).isoformat())
    rev.get_by_label(re.compile("Mag worden vermeld")).check()
    submit(rev, "Maatregel toevoegen")
    visit(rev, "beoordelaar-maatregel-toegevoegd")
    submit(rev, "Voorleggen aan de kandidaat")
    visit(rev, "beoordelaar-maatregel-voorgelegd")
    assert "voorgelegd" in rev.locator(".flashes").inner_text()


def conclude_and_sign(rev, visit, reviewer: Account, authenticator) -> None:
    rev.reload()
    with rev.expect_navigation():
        rev.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role(
            "link", name="Conclusie en afronden").click()
    visit(rev, "beoordelaar-conclusie")
    rev.get_by_label("Risico's beheersbaar met afspraken").check()
    rev.get_by_label("Conclusie").fill("Er zijn risico's, maar die zijn met de afgesproken maatregel beheersbaar.")
    submit(rev, "Conclusie opslaan")
    visit(rev, "beoordelaar-conclusie-opgeslagen")
    # a wrong code first
    rev.get_by_label("Code uit uw authenticator-app").fill("000000")
    submit(rev, "Ondertekenen en afronden")
    visit(rev, "beoordelaar-ondertekenen-foute-code")
    assert "onjuist" in rev.locator("main").inner_text()
    rev.get_by_label("Code uit uw authenticator-app").fill(authenticator.code(reviewer.email))
    submit(rev, "Ondertekenen en afronden")
    visit(rev, "beoordelaar-afgerond")
    assert "ondertekend" in rev.locator(".flashes").inner_text()


def check_on_verification_page(page, visit, data: bytes, path: Path) -> None:
    path.write_bytes(data)
    page.goto("/verificatie")
    page.get_by_label("PDF-bestand").set_input_files(str(path))
    submit(page, "Controleren")
    visit(page, "verificatie-echt")
    assert "Het document is echt en ongewijzigd" in page.locator("main").inner_text()
