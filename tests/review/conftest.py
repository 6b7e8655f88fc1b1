import pytest

from .helpers import make_world


@pytest.fixture
def world(make_org, make_user):
    return make_world(make_org, make_user)
