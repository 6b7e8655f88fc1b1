import pytest

from tests.conftest import login


@pytest.fixture
def org(make_org):
    return make_org("Gemeente Oosterhout-Test")


@pytest.fixture
def griffier(make_user, org):
    return make_user("griffier", org, name="Greet Griffier")


@pytest.fixture
def reviewer(make_user, org):
    return make_user("reviewer", org, name="Bert Burgemeester")


@pytest.fixture
def griffie_client(client, griffier):
    login(client, griffier)
    return client
