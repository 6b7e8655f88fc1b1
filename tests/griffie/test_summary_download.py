"""Issue 13.5: the griffier downloads a single raad summary from the dossier page and the overview,
for dossiers inside and outside a round, audited like every download."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from integrity_tool.models import AuditEvent, Report, db
from integrity_tool.services import rounds
from tests.conftest import login
from tests.review.helpers import base_answers


@pytest.mark.parametrize("in_round", [False, True])
def test_griffier_downloads_the_summary_of_one_dossier(app, make_dossier, in_round):
    world = make_dossier.world("afgerond", answers=base_answers())
    d = world.dossier
    if in_round:
        ronde = rounds.create_round(world.griffier, "Collegevorming", None)
        rounds.assign_dossiers(world.griffier, ronde, [d.public_id])
    c = app.test_client()
    login(c, world.griffier)
    url = f"/griffie/dossiers/{d.public_id}/rapport/samenvatting.pdf"
    page = c.get(f"/griffie/dossiers/{d.public_id}").get_data(as_text=True)
    assert url in page and "Samenvatting voor de gemeenteraad (PDF)" in page
    assert "vertrouwelijk.pdf" not in page  # the organisation does not let the griffier see it
    overview = c.get("/griffie/").get_data(as_text=True)
    assert url in overview and "Samenvatting (PDF)" in overview
    resp = c.get(url)
    stored = db.session.scalar(select(Report).where(Report.dossier_id == d.id, Report.kind == "samenvatting"))
    assert resp.status_code == 200 and resp.data == stored.content
    assert resp.headers["Content-Type"] == "application/pdf" and stored.document_number in \
        resp.headers["Content-Disposition"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rapport.gedownload")).all()
    assert [(e.detail or {}).get("soort") for e in events] == ["samenvatting"]
    assert c.get(f"/griffie/dossiers/{d.public_id}/rapport/vertrouwelijk.pdf").status_code == 404
    assert c.get(f"/griffie/dossiers/{d.public_id}/rapport/iets.pdf").status_code == 404


def test_other_organisations_griffier_gets_nothing(app, make_org, make_user, make_dossier):
    world = make_dossier.world("afgerond", answers=base_answers())
    d = world.dossier
    outsider = make_user("griffier", make_org())
    c = app.test_client()
    login(c, outsider)
    assert c.get(f"/griffie/dossiers/{d.public_id}/rapport/samenvatting.pdf").status_code == 404
