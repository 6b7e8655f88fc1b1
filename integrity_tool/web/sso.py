"""Staff sign in with their organisation's account: OpenID Connect through Authlib's Flask client.

Authlib does the protocol: discovery, the authorisation-code flow with PKCE (S256), state and nonce
kept in the session (used once), the code exchange, the ID token's signature against the provider's
JWKS (fetched again when a token names an unknown key: key rotation) and its claims, and the
RP-initiated log-out URL. We add what Authlib leaves to the application: the audience must be our
client id (Authlib alone accepts a foreign ``aud`` when ``azp`` names us), the issuer must be the
configured one, and a token response without an ID token is refused. services/sso.py decides who
the person is. One client per organisation and settings version, so a changed secret or issuer
takes effect in every worker at the next log-in.
"""
from __future__ import annotations

import hashlib
import time

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import (Blueprint, current_app, flash, make_response, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import select
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from ..extensions import csrf, oauth
from ..models import MFA_TOTP, Organisation, Role, SsoConfig, UserSession, db
from ..services import review, signoff, sso
from ..services.errors import DomainError
from .auth import PENDING_SECONDS, finish_login, safe_next
from .forms import BoundedIntegerHiddenField
from .hooks import client_ip, role_required, start_page_for
from .i18n import message_text

bp = Blueprint("sso", __name__)

SCOPE = "openid email profile"
HTTP_TIMEOUT = 10  # seconds for every call to the identity provider
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
PROBLEM_TITLE_LABELS = {
    "onbekend": "Geen account gevonden",
    "geen_tweede_stap": "Tweede stap ontbreekt",
    "mislukt": "Inloggen via uw organisatie is mislukt",
    "verlopen": "Uw inlogpoging is verlopen",
    "onbereikbaar": "De inlogdienst van uw organisatie is niet bereikbaar",
}
PROBLEM_MESSAGES = {
    "mislukt": "Het antwoord van de inlogdienst van uw organisatie kon niet worden gecontroleerd, dus u bent niet "
               "ingelogd. Probeer het opnieuw; lukt het weer niet, meld het dan aan de beheerder van uw organisatie.",
    "verlopen": "Deze inlogpoging is verlopen of al gebruikt. Begin opnieuw bij de inlogpagina.",
    "onbereikbaar": "De inlogdienst van uw organisatie antwoordt niet. Probeer het over een paar minuten opnieuw.",
}


MSG_NO_STEP_UP = ("Bevestigen via uw organisatie kan alleen als u via uw organisatie bent ingelogd. Gebruik de "
                  "code uit uw authenticator-app.")
MSG_NOT_SET_UP = "Inloggen via de organisatie is voor deze organisatie niet ingesteld."
MSG_NO_DISCOVERY = ("Het discovery-document van deze issuer kon niet worden opgehaald "
                    "(.well-known/openid-configuration).")
MSG_OTHER_ISSUER = ("Het discovery-document noemt een andere issuer. Gebruik precies de issuer-URL van uw "
                    "identity provider.")


class SsoStartForm(FlaskForm):
    email = EmailField(_l("Uw werkmail bij uw organisatie"),
                       validators=[DataRequired(_l("Vul uw e-mailadres in.")), Length(max=254)])


def metadata_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def client_for(cfg: SsoConfig):
    """The Authlib client for this organisation's current settings (cached per process and version; the
    fingerprint keeps a restored or re-created organisation from reusing another's cached client)."""
    fingerprint = hashlib.sha256(f"{cfg.issuer}\n{cfg.client_id}\n{cfg.client_secret}".encode()).hexdigest()[:16]
    name = f"sso-{cfg.organisation_id}-v{cfg.version}-{fingerprint}"
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name, client_id=cfg.client_id, client_secret=cfg.client_secret,
            server_metadata_url=metadata_url(cfg.issuer),
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": HTTP_TIMEOUT})
    return client


def check_discovery(issuer: str) -> str | None:
    """None when the provider's discovery document is there and names this issuer; else a Dutch problem."""
    try:
        response = requests.get(metadata_url(issuer), timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        found = response.json().get("issuer")
    except (requests.RequestException, ValueError, AttributeError):
        return MSG_NO_DISCOVERY
    if (found or "").rstrip("/") != issuer.rstrip("/"):
        return MSG_OTHER_ISSUER
    return None


def _callback_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("sso.callback")


def _problem(kind: str, status: int, message: str | None = None):
    return make_response(render_template("auth/sso_problem.html", title=_(PROBLEM_TITLE_LABELS[kind]),
                                         message=_(message or PROBLEM_MESSAGES[kind])), status)


@bp.route("/inloggen/organisatie", methods=["POST"])
def choose():
    """The e-mail address decides the organisation (its allowed domains); the identity provider gets it as hint."""
    form = SsoStartForm(prefix="sso")
    if not form.validate_on_submit():
        flash(_("Vul uw e-mailadres bij uw organisatie in."), "error")
        return redirect(url_for("auth.login"))
    email = form.email.data.strip().lower()
    configs = sso.configs_for_email(email)
    if not configs:
        flash(_("Voor dit e-mailadres is inloggen via de organisatie niet ingesteld. Log in met uw wachtwoord."),
              "error")
        return redirect(url_for("auth.login"))
    if len(configs) > 1:
        orgs = [db.session.get(Organisation, c.organisation_id) for c in configs]
        return render_template("auth/sso_choose.html", orgs=orgs, email=email)
    org = db.session.get(Organisation, configs[0].organisation_id)
    return redirect(url_for("sso.start", org_slug=org.slug, login_hint=email, next=request.args.get("next")))


@bp.route("/inloggen/organisatie/<org_slug>")
def start(org_slug: str):
    if current_user.is_authenticated:
        return redirect(start_page_for(current_user))
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    cfg = sso.active_config(org.id) if org is not None else None
    if cfg is None:
        return _problem("mislukt", 404, MSG_NOT_SET_UP)
    lang = session.get("lang")
    session.clear()  # no earlier log-in or pending step carries over
    if lang:
        session["lang"] = lang
    session.update(sso_org=org.id, sso_started=time.time(), pending_next=safe_next(request.args.get("next")))
    hint = (request.args.get("login_hint") or "").strip()[:254]
    extra = {"login_hint": hint} if hint else {}
    if cfg.mfa_mode != MFA_TOTP and cfg.mfa_acr_values:
        extra["acr_values"] = " ".join(cfg.mfa_acr_values)
    try:
        return client_for(cfg).authorize_redirect(_callback_url(), **extra)
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        sso.record_failure(org.id, "idp_onbereikbaar", client_ip(), fout=exc.__class__.__name__)
        return _problem("onbereikbaar", 502)


@bp.route("/sso/callback")
def callback():
    step_up = session.pop("sso_step_up", None)
    if step_up is not None and current_user.is_authenticated:
        return _finish_sign_off(step_up)
    org_id, started = session.get("sso_org"), session.get("sso_started", 0)
    cfg = sso.active_config(org_id) if isinstance(org_id, int) else None
    if cfg is None or time.time() - started > PENDING_SECONDS:
        return _problem("verlopen", 400)
    ip = client_ip()
    result = _exchange(cfg, ip)
    if not isinstance(result, tuple):
        return result
    claims, token, metadata = result
    try:
        user = sso.resolve_user(cfg, claims, ip)
    except sso.SsoRefused as exc:
        kind = "geen_tweede_stap" if exc.reason == "geen_tweede_stap" else "onbekend"
        return _problem(kind, 403, exc.message)
    login = {"sid": str(claims.get("sid") or ""), "id_token": token["id_token"],
             "origin": sso.origin_of(metadata.get("end_session_endpoint") or cfg.issuer)}
    if cfg.mfa_mode == MFA_TOTP:
        # This application's own second factor after the SSO step: the password step's pending state.
        next_target = session.get("pending_next")
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        session.update(pending_uid=user.id, pending_at=time.time(), pending_next=next_target, pending_sso=login)
        return redirect(url_for("auth.second_factor" if user.mfa_configured else "auth.setup_2fa"))
    return finish_login(user, sso_login=login)


def _exchange(cfg: SsoConfig, ip: str | None):
    """The callback's code exchange and ID-token checks: (claims, token, metadata), or a problem page."""
    client = client_for(cfg)
    try:
        metadata = client.load_server_metadata()
        options = {"iss": {"essential": True, "value": metadata.get("issuer") or cfg.issuer},
                   "aud": {"essential": True, "value": cfg.client_id}}
        token = client.authorize_access_token(claims_options=options)
    except MismatchingStateError:
        sso.record_failure(cfg.organisation_id, "state_onbekend_of_gebruikt", ip)
        return _problem("verlopen", 400)
    except OAuthError as exc:
        sso.record_failure(cfg.organisation_id, "idp_fout", ip, fout=str(exc.error or "")[:100])
        return _problem("mislukt", 400)
    except JoseError as exc:
        sso.record_failure(cfg.organisation_id, "id_token_ongeldig", ip, fout=exc.__class__.__name__,
                           claim=str(getattr(exc, "claim", "") or "")[:40])
        return _problem("mislukt", 400)
    except requests.RequestException as exc:
        sso.record_failure(cfg.organisation_id, "idp_onbereikbaar", ip, fout=exc.__class__.__name__)
        return _problem("onbereikbaar", 502)
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        sso.record_failure(cfg.organisation_id, "geen_id_token", ip)
        return _problem("mislukt", 400)
    claims = dict(claims)
    if "email" not in claims and metadata.get("userinfo_endpoint"):
        # A provider that follows OIDC Core 5.4 to the letter gives the e-mail only at the UserInfo endpoint.
        try:
            info = client.userinfo(token=token)
        except (requests.RequestException, OAuthError, ValueError) as exc:
            sso.record_failure(cfg.organisation_id, "userinfo_mislukt", ip, fout=exc.__class__.__name__)
            return _problem("onbereikbaar", 502)
        if info.get("sub") == claims.get("sub"):  # OIDC Core 5.3.2: else the answer must not be used
            claims.update({k: info[k] for k in ("email", "email_verified", "name") if k in info})
    return claims, token, metadata


class SignOffForm(FlaskForm):
    version = BoundedIntegerHiddenField()


@bp.route("/sso/ondertekenen/<public_id>", methods=["POST"])
@role_required(Role.reviewer)
def sign_off(public_id: str):
    """The burgemeester who signed in through the organisation confirms the sign-off there (a fresh
    sign-in with its second factor: prompt=login, max_age=0) instead of with an authenticator code."""
    d = review.reviewer_dossier(current_user, public_id)
    cfg = sso.active_config(current_user.organisation_id)
    form = SignOffForm()
    if cfg is None or not current_user.sso_subject or not form.validate_on_submit():
        flash(_(MSG_NO_STEP_UP), "error")
        return redirect(url_for("review.conclude", public_id=d.public_id))
    session["sso_step_up"] = {"public_id": d.public_id, "version": form.version.data, "at": time.time(),
                              "org": cfg.organisation_id}
    try:
        return client_for(cfg).authorize_redirect(_callback_url(), prompt="login", max_age=0,
                                                  login_hint=current_user.email)
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        session.pop("sso_step_up", None)
        sso.record_failure(cfg.organisation_id, "idp_onbereikbaar", client_ip(), fout=exc.__class__.__name__)
        return _problem("onbereikbaar", 502)


def _finish_sign_off(step: dict):
    public_id = str(step.get("public_id") or "")
    back = url_for("review.conclude", public_id=public_id)
    cfg = sso.active_config(step.get("org")) if isinstance(step.get("org"), int) else None
    if cfg is None or cfg.organisation_id != current_user.organisation_id or \
            time.time() - step.get("at", 0) > PENDING_SECONDS:
        flash(_(PROBLEM_MESSAGES["verlopen"]), "error")
        return redirect(back)
    result = _exchange(cfg, client_ip())
    if not isinstance(result, tuple):
        return result
    claims = result[0]
    try:
        d = review.reviewer_dossier(current_user, public_id)
        signoff.sign_off(current_user, d, None, expected_version=step.get("version"), ip=client_ip(),
                         sso_claims=claims)
    except DomainError as exc:
        db.session.rollback()
        flash(message_text(exc), "error")
        return redirect(back)
    flash(_("Het dossier is afgerond en ondertekend. De rapporten staan klaar."), "success")
    return redirect(url_for("review.dossier", public_id=public_id))


def logout_url(sid: str | None) -> str | None:
    """Where to send the browser after our own log-out: the provider's end-session endpoint (RP-initiated
    log-out with the ID token as hint), or None for a password session or a provider without one."""
    record = db.session.get(UserSession, sid) if sid else None
    if record is None or not record.sso_id_token:
        return None
    cfg = sso.active_config(record.user.organisation_id)
    if cfg is None:
        return None
    try:
        client = client_for(cfg)
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(post_logout_redirect_uri=current_app.config["BASE_URL"].rstrip("/")
                                        + url_for("auth.login"), id_token_hint=record.sso_id_token,
                                        client_id=cfg.client_id)["url"]
    except (requests.RequestException, ValueError, RuntimeError):
        return None


@bp.route("/sso/<org_slug>/backchannel-logout", methods=["POST"])
@csrf.exempt
def backchannel_logout(org_slug: str):
    """OpenID Connect Back-Channel Logout 1.0: the provider posts a signed logout token; the sessions it
    names end. Answers 200 on success, 400 on a token we cannot accept (no page: a machine calls this)."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    cfg = sso.active_config(org.id) if org is not None else None
    token = request.form.get("logout_token", "")
    if cfg is None or not token or len(token) > 20_000:
        return _plain("invalid_request", 400)
    client = client_for(cfg)
    try:
        metadata = client.load_server_metadata()
        registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported"),
                               strict_check_header=False)
        try:
            decoded = jwt.decode(token, KeySet.import_key_set(client.fetch_jwk_set()), registry=registry)
        except InvalidKeyIdError:
            decoded = jwt.decode(token, KeySet.import_key_set(client.fetch_jwk_set(force=True)), registry=registry)
        jwt.JWTClaimsRegistry(leeway=120, iss={"essential": True, "value": metadata.get("issuer") or cfg.issuer},
                              aud={"essential": True, "value": cfg.client_id},
                              iat={"essential": True}).validate(decoded.claims)
    except (JoseError, ValueError, requests.RequestException):
        sso.record_failure(cfg.organisation_id, "uitlogtoken_ongeldig", client_ip())
        return _plain("invalid_request", 400)
    claims = decoded.claims
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events or "nonce" in claims or \
            not (claims.get("sid") or claims.get("sub")):
        sso.record_failure(cfg.organisation_id, "uitlogtoken_ongeldig", client_ip())
        return _plain("invalid_request", 400)
    sso.backchannel_logout(cfg, claims.get("sub"), claims.get("sid"), client_ip())
    return _plain("", 200)


def _plain(body: str, status: int):
    return current_app.response_class(body, status=status, mimetype="text/plain",
                                      headers={"Cache-Control": "no-store"})
