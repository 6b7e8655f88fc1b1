"""Single sign-on for staff with the organisation's own account (OpenID Connect, issue 16).

The protocol itself (discovery, authorisation code + PKCE, state, nonce, ID-token signature and
claims, JWKS with key rotation, RP-initiated log-out) is Authlib's, driven from web/sso.py. This
module holds the decisions: the organisation's settings, which staff account a validated ID token
belongs to (never a new one: no self-provisioning), whether the identity provider proved a second
factor, whether a password log-in is still allowed, and ending sessions on a back-channel log-out.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select, update

from .. import audit
from ..models import MFA_FROM_IDP, MFA_MODES, Organisation, Role, SsoConfig, User, UserSession, db, utcnow
from .errors import DomainError, InvalidInput

STAFF_ROLES = (Role.reviewer, Role.griffier, Role.admin)
DOMAIN_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# RFC 8176 method values; two different ones, or "mfa" itself, mean more than one factor.
MFA_AMR = "mfa"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class SsoRefused(DomainError):
    """A validated identity that may not sign in here; ``reason`` goes to the audit trail."""

    status = 403

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class PasswordLoginOff(InvalidInput):
    pass


MSG_PASSWORD_OFF = ("Uw organisatie laat medewerkers alleen inloggen met het eigen organisatieaccount. Gebruik "
                    "'Inloggen met uw organisatieaccount' op deze pagina.")
MSG_UNKNOWN_PERSON = ("U bent aangemeld bij uw organisatie, maar er is in deze applicatie geen account voor u. "
                      "Accounts en rollen worden hier niet automatisch aangemaakt: vraag de beheerder van uw "
                      "organisatie in deze applicatie om een account met uw e-mailadres.")
MSG_NO_MFA = ("Uw organisatie vraagt een tweede stap (bijvoorbeeld een code of een app) bij het inloggen, maar uw "
              "organisatieaccount heeft die bij deze aanmelding niet laten zien. Log opnieuw in en gebruik de "
              "tweede stap van uw organisatie, of vraag uw beheerder om hulp.")


def config_of(org: Organisation | int) -> SsoConfig | None:
    org_id = org if isinstance(org, int) else org.id
    return db.session.get(SsoConfig, org_id)


def active_config(org_id: int | None) -> SsoConfig | None:
    if org_id is None:  # the platform administrator belongs to no organisation
        return None
    cfg = db.session.get(SsoConfig, org_id)
    return cfg if cfg is not None and cfg.enabled and cfg.issuer and cfg.client_id else None


def configs_for_email(email: str) -> list[SsoConfig]:
    """The enabled configurations whose allowed domains include this address's domain."""
    domain = (email or "").strip().lower().rpartition("@")[2]
    if not domain:
        return []
    found = db.session.scalars(select(SsoConfig).where(SsoConfig.enabled.is_(True))).all()
    return [cfg for cfg in found if domain in (cfg.allowed_domains or [])]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins() -> list[str]:
    """The origins of every enabled identity provider (the log-in page's form may redirect there)."""
    return sorted({origin_of(cfg.issuer) for cfg in
                   db.session.scalars(select(SsoConfig).where(SsoConfig.enabled.is_(True)))})


# --- settings ------------------------------------------------------------------------------------

def _on(field: str, exc: InvalidInput) -> InvalidInput:
    """Name the form field a settings problem belongs to (``exc.field``)."""
    exc.field = field
    return exc


def parse_domains(text: str) -> list[str]:
    domains = []
    for raw in re.split(r"[\s,;]+", (text or "").strip().lower()):
        if not raw:
            continue
        raw = raw.lstrip("@")
        if not DOMAIN_RE.match(raw):
            raise _on("allowed_domains", InvalidInput("Een van de e-maildomeinen is niet geldig. Geef per regel "
                                                      "een domein, zoals gemeente.nl."))
        if raw not in domains:
            domains.append(raw)
    if len(domains) > 50:
        raise _on("allowed_domains", InvalidInput("Geef hoogstens 50 e-maildomeinen."))
    return domains


def check_issuer(issuer: str) -> str:
    """An https URL (http only on the loopback interface, for tests and a local demo)."""
    issuer = (issuer or "").strip().rstrip("/")
    parts = urlsplit(issuer)
    if not issuer or len(issuer) > 500 or parts.query or parts.fragment or not parts.hostname:
        raise _on("issuer", InvalidInput("Geef de issuer-URL van uw identity provider, bijvoorbeeld "
                           "https://login.microsoftonline.com/<tenant-id>/v2.0."))
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise _on("issuer", InvalidInput("De issuer-URL moet met https:// beginnen."))
    return issuer


def break_glass_candidates(org: Organisation) -> list[User]:
    """Administrators of the organisation who can log in with a password and an authenticator code."""
    admins = db.session.scalars(select(User).where(User.organisation_id == org.id, User.role == Role.admin,
                                                   User.active.is_(True)).order_by(User.name)).all()
    return [u for u in admins if u.password_hash and u.mfa_method == "totp" and u.totp_secret]


def save_config(actor: User, org: Organisation, values: dict, ip: str | None = None) -> list[str]:
    """Create or change the organisation's SSO settings; each change audited (never the secret itself).
    ``values``: issuer, client_id, client_secret (None/'' keeps the stored one), allowed_domains (text),
    mfa_mode, mfa_acr_values (text), trust_email, enabled, password_login_off, break_glass_user_id."""
    cfg = config_of(org)
    new = {
        "issuer": check_issuer(values.get("issuer", "")),
        "client_id": (values.get("client_id") or "").strip(),
        "allowed_domains": parse_domains(values.get("allowed_domains", "")),
        "mfa_mode": values.get("mfa_mode") or MFA_FROM_IDP,
        "mfa_acr_values": [v for v in re.split(r"[\s,]+", values.get("mfa_acr_values") or "") if v][:20],
        "trust_email": bool(values.get("trust_email")),
        "enabled": bool(values.get("enabled")),
        "password_login_off": bool(values.get("password_login_off")),
        "break_glass_user_id": values.get("break_glass_user_id") or None,
    }
    if not new["client_id"] or len(new["client_id"]) > 255:
        raise _on("client_id", InvalidInput("Geef de client-id die uw identity provider voor deze applicatie "
                                            "heeft uitgegeven."))
    if new["mfa_mode"] not in MFA_MODES:
        raise _on("mfa_mode", InvalidInput("Kies waar de tweede stap vandaan komt."))
    if not new["allowed_domains"]:
        raise _on("allowed_domains", InvalidInput("Geef minstens één e-maildomein van uw organisatie."))
    secret = (values.get("client_secret") or "").strip()
    if len(secret) > 1000:
        raise _on("client_secret", InvalidInput("Het client secret is te lang."))
    if cfg is None and not secret:
        raise _on("client_secret", InvalidInput("Geef het client secret."))
    if new["break_glass_user_id"] is not None and \
            new["break_glass_user_id"] not in {u.id for u in break_glass_candidates(org)}:
        raise _on("break_glass_user_id", InvalidInput("Kies als noodtoegang een beheerder van uw organisatie met "
                                                      "een wachtwoord en een authenticator-app."))
    if new["password_login_off"]:
        if not new["enabled"]:
            raise _on("password_login_off", InvalidInput("Inloggen met een wachtwoord kan alleen uit als inloggen "
                                                         "via de organisatie aan staat."))
        if cfg is None or cfg.verified_at is None:
            raise _on("password_login_off", InvalidInput("Inloggen met een wachtwoord kan pas uit nadat iemand met "
                                                         "succes via de organisatie heeft ingelogd."))
        if new["break_glass_user_id"] is None:
            raise _on("break_glass_user_id", InvalidInput("Kies eerst een beheerder met noodtoegang (wachtwoord en "
                                                          "authenticator-app): zonder die kan niemand meer in als de "
                                                          "identity provider niet werkt."))
    if cfg is None:
        cfg = SsoConfig(organisation_id=org.id, version=0, issuer=new["issuer"], client_id=new["client_id"])
        db.session.add(cfg)
        old = {}
    else:
        old = {name: getattr(cfg, name) for name in new}
    changed = [name for name in new if old.get(name) != new[name]]
    for name in changed:
        setattr(cfg, name, new[name])
        audit.record("sso.instelling_gewijzigd", actor=actor, organisation_id=org.id, ip=ip, instelling=name,
                     oud=old.get(name), nieuw=new[name])
    if secret and secret != cfg.client_secret:
        cfg.client_secret = secret
        changed.append("client_secret")
        audit.record("sso.instelling_gewijzigd", actor=actor, organisation_id=org.id, ip=ip,
                     instelling="client_secret", oud="(verborgen)", nieuw="(verborgen, gewijzigd)")
    if changed:
        cfg.version = (cfg.version or 0) + 1
        cfg.updated_at = utcnow()
    db.session.commit()
    return changed


# --- log-in --------------------------------------------------------------------------------------

def password_login_allowed(user: User) -> bool:
    """Candidates always; staff unless their organisation switched password log-in off (the break-glass
    administrator excepted)."""
    if user.role == Role.candidate or user.organisation_id is None:  # the platform administrator has no SSO
        return True
    cfg = active_config(user.organisation_id)
    if cfg is None or not cfg.password_login_off:
        return True
    return cfg.break_glass_user_id == user.id


def mfa_proven(cfg: SsoConfig, claims: dict) -> bool:
    amr = claims.get("amr") or []
    if not isinstance(amr, list):
        amr = []
    methods = {str(m) for m in amr}
    if MFA_AMR in methods or len(methods - {MFA_AMR}) >= 2:
        return True
    acr = claims.get("acr")
    return bool(acr) and str(acr) in (cfg.mfa_acr_values or [])


def _refuse(cfg: SsoConfig, message: str, reason: str, ip: str | None, **detail) -> SsoRefused:
    audit.record("sso.geweigerd", organisation_id=cfg.organisation_id, ip=ip, reden=reason, **detail)
    db.session.commit()
    return SsoRefused(message, reason)


def resolve_user(cfg: SsoConfig, claims: dict, ip: str | None) -> User:
    """The existing, active staff account of ``cfg``'s organisation this validated ID token belongs to.
    By the stored subject, else by a verified e-mail address in an allowed domain (then the subject is
    bound). Raises SsoRefused (audited) for anyone else; never creates an account."""
    sub = str(claims.get("sub") or "")
    email = str(claims.get("email") or "").strip().lower()
    user = db.session.scalar(select(User).where(User.organisation_id == cfg.organisation_id,
                                                User.sso_subject == sub)) if sub else None
    if user is None and email:
        domain = email.rpartition("@")[2]
        verified = claims.get("email_verified") is True or cfg.trust_email
        if domain not in (cfg.allowed_domains or []):
            raise _refuse(cfg, MSG_UNKNOWN_PERSON, "domein_niet_toegestaan", ip, email=email, sub=sub)
        if not verified:
            raise _refuse(cfg, MSG_UNKNOWN_PERSON, "email_niet_geverifieerd", ip, email=email, sub=sub)
        user = db.session.scalar(select(User).where(User.organisation_id == cfg.organisation_id,
                                                    User.email == email))
        if user is not None and user.sso_subject and user.sso_subject != sub:
            raise _refuse(cfg, MSG_UNKNOWN_PERSON, "ander_subject", ip, email=email, sub=sub)
    if user is None or not user.active or user.role not in STAFF_ROLES:
        raise _refuse(cfg, MSG_UNKNOWN_PERSON, "onbekend", ip, email=email or None, sub=sub)
    if cfg.mfa_mode == MFA_FROM_IDP and not mfa_proven(cfg, claims):
        audit.record("sso.geweigerd", actor=user, ip=ip, reden="geen_tweede_stap", amr=claims.get("amr"),
                     acr=claims.get("acr"))
        db.session.commit()
        raise SsoRefused(MSG_NO_MFA, "geen_tweede_stap")
    if user.sso_subject != sub:
        user.sso_subject = sub
        audit.record("sso.gekoppeld", actor=user, ip=ip, sub=sub)
    if cfg.verified_at is None:
        cfg.verified_at = utcnow()
    audit.record("sso.geslaagd", actor=user, ip=ip, tweede_stap=cfg.mfa_mode, amr=claims.get("amr"),
                 acr=claims.get("acr"))
    db.session.commit()
    return user


FRESH_SECONDS = 300  # a sign-in at the provider counts as fresh confirmation for this long


def check_fresh_sign_in(user: User, claims: dict, ip: str | None) -> None:
    """A validated ID token confirms an action (the sign-off) instead of an authenticator code: it must
    be this person (the bound subject), from a sign-in made just now (``auth_time``), with a second
    factor proven at the provider. Raises InvalidInput (audited) otherwise."""
    import time

    cfg = active_config(user.organisation_id)
    auth_time = claims.get("auth_time")
    problem = None
    if cfg is None or not user.sso_subject or str(claims.get("sub") or "") != user.sso_subject:
        problem = "ander_subject"
    elif not isinstance(auth_time, (int, float)) or isinstance(auth_time, bool) or \
            abs(time.time() - auth_time) > FRESH_SECONDS:
        problem = "niet_vers"
    elif not mfa_proven(cfg, claims):
        problem = "geen_tweede_stap"
    if problem:
        audit.record("afronden.mislukt", actor=user, ip=ip, via="sso", reden=problem)
        db.session.commit()
        raise InvalidInput("De bevestiging bij uw organisatie is niet gelukt: log daar opnieuw in, als uzelf en met "
                           "de tweede stap van uw organisatie, en rond direct daarna af.")
    audit.record("afronden.bevestigd_via_sso", actor=user, ip=ip, amr=claims.get("amr"), acr=claims.get("acr"))


def record_failure(org_id: int, reason: str, ip: str | None, **detail) -> None:
    """A log-in through the identity provider that failed before any identity was established."""
    audit.record("sso.mislukt", organisation_id=org_id, ip=ip, reden=reason, **detail)
    db.session.commit()


def bind_session(sid: str, sso_sid: str | None) -> None:
    if sso_sid:
        db.session.execute(update(UserSession).where(UserSession.id == sid).values(sso_sid=str(sso_sid)[:255]))
        db.session.commit()


def backchannel_logout(cfg: SsoConfig, sub: str | None, sso_sid: str | None, ip: str | None) -> int:
    """End the sessions the identity provider's log-out token names (by its session id, else by subject)."""
    # Only sessions of this organisation's staff: one organisation's provider never ends another's sessions.
    staff = select(User.id).where(User.organisation_id == cfg.organisation_id)
    query = update(UserSession).where(UserSession.revoked_at.is_(None), UserSession.sso_sid.is_not(None))
    if sso_sid:
        query = query.where(UserSession.sso_sid == str(sso_sid), UserSession.user_id.in_(staff))
    elif sub:
        query = query.where(UserSession.user_id.in_(staff.where(User.sso_subject == str(sub))))
    else:
        return 0
    ended = db.session.execute(query.values(revoked_at=utcnow())).rowcount
    audit.record("sso.uitgelogd_via_idp", organisation_id=cfg.organisation_id, ip=ip, sessies=ended)
    db.session.commit()
    return ended
