import pytest

from .helpers import base_answers


@pytest.fixture
def world(make_dossier):
    """Anna de Vries's submitted dossier (``base_answers``) with the organisation's reviewer and griffier."""
    return make_dossier.world("ingediend", answers=base_answers())
