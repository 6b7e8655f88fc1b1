import pytest

from tests.conftest import login


@pytest.fixture
def griffie_client(client, griffier):
    login(client, griffier)
    return client
