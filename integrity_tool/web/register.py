"""The public register of nevenfuncties: no log-in, per organisation, as HTML, CSV and JSON."""
from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, g, render_template, request

from ..services import register as service
from ..services.exports import neutralise

bp = Blueprint("register", __name__, url_prefix="/register")
CACHE = "public, max-age=300"


@bp.route("/<org_slug>")
def page(org_slug: str):
    org = service.organisation_by_slug(org_slug)
    return render_template("register/page.html", register=service.build_register(org))


@bp.route("/<org_slug>.csv")
def as_csv(org_slug: str):
    org = service.organisation_by_slug(org_slug)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    sep = ";" if request.args.get("sep") == ";" else ","
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in service.register_csv_rows(service.build_register(org)):
        writer.writerow([neutralise(v) for v in row])
    g.public_cacheable = True
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="nevenfuncties-{org.slug}.csv"', "Cache-Control": CACHE})


@bp.route("/<org_slug>.json")
def as_json(org_slug: str):
    org = service.organisation_by_slug(org_slug)
    body = json.dumps(service.register_json(service.build_register(org)), ensure_ascii=False, indent=2)
    g.public_cacheable = True
    return Response(body, mimetype="application/json", headers={
        "Cache-Control": CACHE, "Access-Control-Allow-Origin": "*"})
