"""The demo organisation used by `make run`: only seeded into an empty database."""
from __future__ import annotations

import secrets

import pyotp

from sqlalchemy import func, select

from ..models import Organisation, OrganisationProfile, User, db
from . import orgsetup, security, users

DEMO_ORG_SLUG = "gemeente-voorbeeld"
DEMO_USERS = (
    ("griffier@voorbeeld.nl", "Gerda de Griffier", "griffier"),
    ("burgemeester@voorbeeld.nl", "Bram Burgemeester", "reviewer"),
    ("beheer@voorbeeld.nl", "Bea Beheerder", "admin"),
    ("kandidaat@voorbeeld.nl", "Karel Kandidaat", "candidate"),
)


# A realistic profile for the demo gemeente: the fact rules compare candidates' facts with it.
DEMO_PROFILE = {
    "aliassen": ["Gem. Voorbeeld", "College van B en W Voorbeeld", "Stadhuis Voorbeeld"],
    "kvk": ["50123456"],
    "verbonden_partijen": [
        {"naam": "Omgevingsdienst Regio Voorbeeld", "kvk": "61234567", "soort": "regeling"},
        {"naam": "Belastingsamenwerking West", "kvk": "62345678", "soort": "regeling"},
        {"naam": "Veiligheidsregio Voorbeeld-Noord", "kvk": None, "soort": "regeling"},
        {"naam": "GGD Voorbeeldland", "kvk": "64567890", "soort": "regeling"},
        {"naam": "Afvalbedrijf Voorbeeld N.V.", "kvk": "63456789", "soort": "deelneming"},
        {"naam": "Ontwikkelingsmaatschappij Havenkwartier B.V.", "kvk": "65678901", "soort": "deelneming"},
    ],
    "gebied": ["Voorbeeld", "Voorbeeldhaven", "Oostdorp", "Westerveen", "Nieuwe Polder"],
    "portefeuilles": [
        {"naam": "Ruimtelijke ordening, wonen en grondzaken",
         "domeinen": ["ruimtelijke_ordening", "grond_vastgoed", "bouw_wonen"]},
        {"naam": "Financiën en economische zaken", "domeinen": ["financien", "economie_vergunningen", "personeel"]},
        {"naam": "Zorg, jeugd en onderwijs", "domeinen": ["sociaal_domein", "onderwijs"]},
        {"naam": "Verkeer, milieu en duurzaamheid", "domeinen": ["verkeer_vervoer", "milieu_energie", "water"]},
        {"naam": "Cultuur, sport en recreatie", "domeinen": ["cultuur_sport"]},
    ],
}


def _demo_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(4))  # 27 characters, random per install


def seed_demo() -> str | None:
    """Create 'Gemeente Voorbeeld' with a griffier, burgemeester, beheerder and kandidaat.

    Returns the log-in details to print, or None when the database already holds organisations.
    """
    if db.session.scalar(select(func.count(Organisation.id))):
        return None
    org = orgsetup.create_organisation_with_keys("Gemeente Voorbeeld", "gemeente")
    db.session.flush()
    db.session.add(OrganisationProfile(organisation_id=org.id, data=DEMO_PROFILE))
    org.allow_email_otp = True
    lines = ["Demo-organisatie 'Gemeente Voorbeeld' aangemaakt. Inloggegevens (alleen voor de demo):", ""]
    created = {}
    for email, name, role in DEMO_USERS:
        password = _demo_password()
        user = users.new_user(org, email, name, role, password=password)
        user.totp_secret = security.new_totp_secret()
        user.mfa_method = "totp"
        created[role] = user
        lines.append(f"  {role:<10} {email:<28} wachtwoord: {password}")
        lines.append(f"  {'':<10} TOTP-sleutel (voer in in een authenticator-app): {user.totp_secret}")
    db.session.commit()
    from . import dossiers

    dossier = dossiers.create_demo_dossier(org, created["candidate"], created["reviewer"])
    lines += ["", f"  De kandidaat heeft een dossier '{dossier.function_title}' klaarstaan.",
              "  Geen authenticator-app bij de hand? 'integrity-tool demo-code EMAIL' toont de huidige code",
              "  voor een demo-gebruiker (werkt alleen voor de demo-organisatie)."]
    return "\n".join(lines)


def show_logins() -> str | None:
    """The demo log-ins again (``integrity-tool demo --show``). Passwords are stored only as hashes, so
    each demo user gets a new random password (the old one stops working); the TOTP keys stay.
    None when there is no demo organisation."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == DEMO_ORG_SLUG))
    if org is None:
        return None
    lines = ["Inloggegevens van de demo-organisatie 'Gemeente Voorbeeld' (nieuwe wachtwoorden; de oude werken "
             "niet meer):", ""]
    for email, _name, role in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email, User.organisation_id == org.id))
        if user is None:
            continue
        password = _demo_password()
        user.password_hash = security.hash_password(password)
        if not user.totp_secret:
            user.totp_secret = security.new_totp_secret()
            user.mfa_method = "totp"
        lines.append(f"  {role:<10} {email:<28} wachtwoord: {password}")
        lines.append(f"  {'':<10} TOTP-sleutel (voer in in een authenticator-app): {user.totp_secret}")
    db.session.commit()
    lines += ["", "  Geen authenticator-app bij de hand? 'integrity-tool demo-code EMAIL' toont de huidige code."]
    return "\n".join(lines)


def login_code(email: str) -> str | None:
    """The current TOTP code of a demo user (so the demo works without an authenticator app); None for
    anyone outside the demo organisation."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.organisation is None or user.organisation.slug != DEMO_ORG_SLUG or not user.totp_secret:
        return None
    return pyotp.TOTP(user.totp_secret).now()
