"""Fixtures for the candidate journey: an organisation with griffier, reviewer and candidates."""
from __future__ import annotations

import pytest

from integrity_tool.models import db
from integrity_tool.services import dossiers
from tests.conftest import login

from .helpers import QID


@pytest.fixture
def org(make_org):
    return make_org("Gemeente Voorbeeld")


@pytest.fixture
def griffier(make_user, org):
    return make_user("griffier", org, name="Gea Griffier")


@pytest.fixture
def reviewer(make_user, org):
    return make_user("reviewer", org, name="Bert Burgemeester")


@pytest.fixture
def make_candidate_dossier(make_user, org, reviewer):
    """A candidate with an activated account (password + TOTP) and a fresh dossier."""

    def factory(candidate_org=None, name="Kees Kandidaat"):
        the_org = candidate_org or org
        candidate = make_user("candidate", the_org, name=name)
        dossier = dossiers.create_dossier(the_org, candidate, reviewer if the_org.id == org.id else None, QID,
                                          function_title="Wethouder", portfolio="Financiën")
        db.session.commit()
        return candidate, dossier

    return factory


@pytest.fixture
def candidate_client(app, make_candidate_dossier):
    """(client logged in as the candidate, candidate, dossier)."""
    candidate, dossier = make_candidate_dossier()
    client = app.test_client()
    login(client, candidate)
    return client, candidate, dossier
