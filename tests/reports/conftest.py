import pytest

from tests.review.helpers import make_world, signed_off


@pytest.fixture
def signed(make_org, make_user):
    world = make_world(make_org, make_user)
    signed_off(world)
    return world
