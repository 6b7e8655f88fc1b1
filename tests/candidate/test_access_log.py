"""A candidate sees who else viewed or downloaded their dossier."""
from integrity_tool import audit
from integrity_tool.models import db
from integrity_tool.services import runtime
from integrity_tool.services.dossiers import create_dossier
from tests.conftest import login


def test_candidate_sees_who_viewed(client, make_org, make_user):
    org = make_org()
    candidate = make_user("candidate", org)
    reviewer = make_user("reviewer", org, name="Bea Burgemeester")
    dossier = create_dossier(org, candidate, reviewer, runtime.catalog().for_kind("gemeente")[0].id,
                             function_title="Wethouder")
    audit.record("dossier.bekeken", actor=reviewer, dossier=dossier)
    audit.record("dossier.bekeken", actor=candidate, dossier=dossier)  # own views are not listed
    audit.record("antwoorden.opgeslagen", actor=candidate, dossier=dossier)
    db.session.commit()
    login(client, candidate)
    page = client.get(f"/kandidaat/dossier/{dossier.public_id}/inzage").get_data(as_text=True)
    assert "Bea Burgemeester (reviewer)" in page
    assert page.count("Dossier bekeken") == 1
    other = make_user("candidate", org)
    c2 = client.application.test_client()
    login(c2, other)
    assert c2.get(f"/kandidaat/dossier/{dossier.public_id}/inzage").status_code == 404
