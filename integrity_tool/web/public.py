"""Public pages without log-in: verifying a signed report, and the organisation CA certificates."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, g, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import SubmitField

from ..models import Organisation, db
from ..services import reports, runtime
from .hooks import client_ip

bp = Blueprint("public", __name__, url_prefix="/verificatie")

VERIFICATIONS_PER_MINUTE = 20


class VerifyForm(FlaskForm):
    document = FileField(_l("PDF-bestand"))
    submit = SubmitField(_l("Controleren"))


def _throttled() -> bool:
    """Signature validation costs CPU: a few per minute per IP address is plenty for people."""
    throttle = runtime.throttle()
    key = f"verify:ip:{client_ip() or '-'}"
    if throttle.count(key, timedelta(minutes=1)) >= VERIFICATIONS_PER_MINUTE:
        return True
    throttle.hit(key, timedelta(minutes=1))
    db.session.commit()
    return False


def _read_upload(form: VerifyForm) -> tuple[bytes | None, str | None]:
    upload = form.document.data
    if upload is None or not getattr(upload, "filename", ""):
        return None, "Kies een PDF-bestand om te controleren."
    data = upload.read(reports.MAX_UPLOAD + 1)
    if len(data) > reports.MAX_UPLOAD:
        return None, "Het bestand is te groot (maximaal 10 MB)."
    if not data:
        return None, "Het bestand is leeg."
    return data, None


@bp.route("", methods=["GET", "POST"], endpoint="verify")
@bp.route("/", methods=["GET", "POST"])
def verify():
    form = VerifyForm()
    outcome, error, status = None, None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            error, status = "Het formulier is verlopen of ongeldig. Vernieuw de pagina en probeer het opnieuw.", 400
        elif _throttled():
            error, status = "U heeft te veel documenten achter elkaar gecontroleerd. Wacht een minuut.", 429
        else:
            data, error = _read_upload(form)
            if data is not None:
                outcome = reports.verify_upload(data)
    number = (request.args.get("nr") or "")[:60]
    return render_template("public/verify.html", form=form, outcome=outcome, error=error,
                           number=number if reports.DOC_NUMBER.match(number) else ""), status


@bp.route("/<document_number>")
def landing(document_number: str):
    """Where the QR code on a report leads: says whether the number was issued, then offers the upload."""
    report = reports.report_by_number(document_number)
    org = report.dossier.organisation if report is not None else None
    deleted = reports.deleted_by_number(document_number) if report is None else None
    return render_template("public/landing.html", form=VerifyForm(), number=document_number[:60], report=report,
                           organisation=org, deleted=deleted)


@bp.route("/ca/<org_slug>.pem")
def ca_certificate(org_slug: str):
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug[:80]))
    if org is None:
        abort(404)
    pem = reports.ca_pem(org)
    if pem is None:
        abort(404)
    g.public_cacheable = True
    response = make_response(pem)
    response.headers["Content-Type"] = "application/x-pem-file"
    response.headers["Content-Disposition"] = f'attachment; filename="{org.slug}-ca.pem"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
