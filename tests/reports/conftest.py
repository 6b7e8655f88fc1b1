import pytest

from tests.factories import advance
from tests.review.helpers import base_answers


@pytest.fixture
def signed(make_dossier):
    world = make_dossier.world("ingediend", answers=base_answers())
    advance(world.dossier, "afgerond")
    return world
