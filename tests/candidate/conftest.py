"""Fixtures for the candidate journey: a candidate with an activated account and a fresh dossier."""
from __future__ import annotations

import pytest

from tests.conftest import login


@pytest.fixture
def candidate_client(app, make_dossier):
    """(client logged in as the candidate, candidate, dossier)."""
    dossier = make_dossier(name="Kees Kandidaat")
    client = app.test_client()
    login(client, dossier.candidate)
    return client, dossier.candidate, dossier
