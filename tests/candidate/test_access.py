"""Scoping: only the candidate's own dossier; everyone else gets 404."""
from __future__ import annotations

import pytest

from tests.conftest import login

PATHS = ["/dossier/{id}/", "/dossier/{id}/onderdeel/benoembaarheid", "/dossier/{id}/controleren",
         "/dossier/{id}/antwoorden", "/dossier/{id}/intrekken",
         "/dossier/{id}/onderdeel/nevenfuncties/nevenfuncties/nieuw"]


@pytest.mark.parametrize("path", PATHS)
def test_wrong_role_other_candidate_and_other_org_get_404(app, make_user, make_dossier, make_org,
                                                          griffier, path):
    dossier = make_dossier(name="Kees Kandidaat")
    other_same_org = make_dossier(name="Andere Kandidaat").candidate
    other_org = make_org("Gemeente Elders")
    foreigner = make_dossier(org=other_org, name="Buiten Kandidaat").candidate
    url = "/kandidaat" + path.format(id=dossier.public_id)
    for user in (griffier, other_same_org, foreigner):
        c = app.test_client()
        login(c, user)
        assert c.get(url).status_code == 404, (user, url)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.location


def test_unknown_section_item_and_list_are_404(candidate_client):
    client, _c, dossier = candidate_client
    base = f"/kandidaat/dossier/{dossier.public_id}/onderdeel"
    assert client.get(f"{base}/bestaat-niet").status_code == 404
    assert client.get(f"{base}/benoembaarheid/ingezetene/nieuw").status_code == 404
    assert client.get(f"{base}/nevenfuncties/onbekend/nieuw").status_code == 404
    r = client.get(f"{base}/nevenfuncties/nevenfuncties/7")
    assert r.status_code == 302  # an item that no longer exists: back to the list with a message
    assert client.post(f"{base}/nevenfuncties", data={"version": "x", "action": "add:onbekend"}).status_code in (404, 409)


def test_bad_input_never_gives_a_server_error(candidate_client):
    client, _c, dossier = candidate_client
    base = f"/kandidaat/dossier/{dossier.public_id}/onderdeel"
    weird = {"version": "'; DROP TABLE dossier;--", "ingezetene": "misschien", "vog_datum": "<script>",
             "action": "edit:nevenfuncties:abc"}
    for data in (weird, {"version": "999999"}, {}, {"action": "remove:x:y:z"}):
        r = client.post(f"{base}/benoembaarheid", data=data)
        assert r.status_code < 500, data
    r = client.post(f"{base}/nevenfuncties/nevenfuncties/nieuw", data={"version": "", "uren_per_maand": "1e9"})
    assert r.status_code < 500
    r = client.post(f"/kandidaat/dossier/{dossier.public_id}/indienen", data={"name": "x" * 5000})
    assert r.status_code < 500
