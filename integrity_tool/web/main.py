"""Public pages: landing page, language switch, privacy statement, health check."""
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ..models import db
from .auth import safe_next
from .forms import ActionForm
from .hooks import start_page_for

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if current_user.is_authenticated:
        target = start_page_for(current_user)
        if target != url_for("main.home"):
            return redirect(target)
    return render_template("main/home.html")


@bp.route("/taal/<lang>", methods=["POST"])
def set_language(lang: str):
    form = ActionForm()
    if form.validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html", version=current_app.config["PRIVACY_VERSION"])


@bp.route("/toegankelijkheid")
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; the same icon as the <link rel="icon">."""
    icon = Path(current_app.static_folder, "img", "favicon.svg").read_bytes()
    response = current_app.response_class(icon, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
