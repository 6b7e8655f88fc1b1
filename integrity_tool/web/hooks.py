"""Request hooks: session validation, security headers, no-store caching, role decorator."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..models import Role, User, db
from ..services import users

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def content_security_policy() -> str:
    """CSP; form-action also names the identity providers a form may lead to: the SSO start on the
    log-in page (``g.form_action_origins``) and, after single sign-on, the provider's log-out
    (``session["sso_origin"]``): browsers apply form-action to the redirect after a form post too."""
    extra = set(getattr(g, "form_action_origins", ()) or ())
    if session.get("sso_origin"):
        extra.add(session["sso_origin"])
    if not extra:
        return CSP
    return CSP.replace("form-action 'self'", "form-action 'self' " + " ".join(sorted(extra)))


def client_ip() -> str | None:
    return request.remote_addr


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om verder te gaan."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session record is the source of truth

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            uid = int(user_id)
        except (TypeError, ValueError):
            return None
        return users.session_user(uid, session.get("sid"))

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", content_security_policy())
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith("/static/") and not getattr(g, "public_cacheable", False):
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
        h.add("Vary", "Cookie")
        return response

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()


def role_required(*roles: Role):
    """Only these roles; anyone else gets 404 (not 403) so the URL space reveals nothing."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            if current_user.role not in roles:
                from .. import audit

                audit.record("toegang.geweigerd", actor=current_user, ip=client_ip(), pad=request.path[:200])
                db.session.commit()
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def start_page_for(user: User) -> str:
    endpoints = {
        Role.candidate: "candidate.home",
        Role.reviewer: "review.dashboard",
        Role.griffier: "griffie.overview",
        Role.admin: "admin.home",
        Role.platform: "platform.home",
    }
    return url_for(endpoints[user.role])
