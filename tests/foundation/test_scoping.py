"""A user never reaches another organisation's data; a candidate only their own dossier."""

from integrity_tool.models import db
from integrity_tool.services import scoping
from integrity_tool.services.errors import NotFound
import pytest


@pytest.fixture
def two_orgs(make_org, make_user, make_dossier, app_ctx):
    result = {}
    for key in ("a", "b"):
        org = make_org(f"Gemeente {key.upper()}")
        other_candidate = make_user("candidate", org)
        reviewer = make_user("reviewer", org)
        dossier = make_dossier(org=org, reviewer=reviewer)
        result[key] = dict(org=org, candidate=dossier.candidate, other=other_candidate, reviewer=reviewer,
                           dossier=dossier)
    return result


def test_scoping_by_org_and_ownership(two_orgs):
    a, b = two_orgs["a"], two_orgs["b"]
    assert db.session.scalars(scoping.dossiers_for(a["candidate"])).all() == [a["dossier"]]
    assert db.session.scalars(scoping.dossiers_for(a["other"])).all() == []
    assert db.session.scalars(scoping.dossiers_for(a["reviewer"])).all() == [a["dossier"]]
    with pytest.raises(NotFound):
        scoping.get_dossier(a["reviewer"], b["dossier"].public_id)
    with pytest.raises(NotFound):
        scoping.get_dossier(a["other"], a["dossier"].public_id)
    assert scoping.get_dossier(a["candidate"], a["dossier"].public_id) is a["dossier"]


def test_griffier_confidential_only_when_allowed(two_orgs, make_user):
    a = two_orgs["a"]
    griffier = make_user("griffier", a["org"])
    assert not scoping.can_see_confidential(griffier, a["dossier"])
    a["org"].griffier_sees_confidential = True
    assert scoping.can_see_confidential(griffier, a["dossier"])
    assert not scoping.can_see_confidential(two_orgs["b"]["reviewer"], a["dossier"])
