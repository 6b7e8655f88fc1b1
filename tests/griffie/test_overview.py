"""The griffier's overview: content, filters, sorting, pagination, query count, access rules."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from integrity_tool.models import DossierStatus, db
from integrity_tool.services import overview, rounds
from tests.conftest import login

from .helpers import add_report, make_dossier


def test_overview_lists_dossiers_without_confidential_content(griffie_client, org, reviewer, app_ctx):
    make_dossier(org, "Anna Achter", status=DossierStatus.ingediend, reviewer=reviewer, progress=(5, 12),
                 deadline=date.today() - timedelta(days=1), finding_counts=(1, 2, 3))
    done = make_dossier(org, "Bob Boer", status=DossierStatus.afgerond, progress=(12, 12), finding_counts=(0, 0, 4))
    add_report(done, "samenvatting")
    add_report(done, "vertrouwelijk")
    html = griffie_client.get("/griffie/").get_data(as_text=True)
    assert "Anna Achter" in html and "Bob Boer" in html
    assert "Bert Burgemeester" in html and "5 van 12" in html
    assert "Verlopen" in html and "Samenvatting (PDF)" in html  # the column links the raad summary (issue 13.5)
    assert "Bevindingen" not in html and "1 / 2 / 3" not in html


def test_counts_visible_when_the_organisation_allows_it(griffie_client, org, app_ctx):
    make_dossier(org, "Anna Achter", status=DossierStatus.ingediend, finding_counts=(1, 2, 3))
    org.griffier_sees_confidential = True
    db.session.commit()
    html = griffie_client.get("/griffie/").get_data(as_text=True)
    assert "Bevindingen" in html and "1 / 2 / 3" in html


def test_filters_sorting_and_pagination(griffie_client, griffier, org, reviewer, app_ctx):
    ronde = rounds.create_round(griffier, "Collegevorming 2026", date(2026, 5, 20))
    for i in range(55):
        make_dossier(org, f"Kandidaat {i:02d}", status=DossierStatus.concept)
    make_dossier(org, "Zoë Zwart", status=DossierStatus.afgerond, reviewer=reviewer, round_id=ronde.id)
    first = griffie_client.get("/griffie/?sorteer=kandidaat").get_data(as_text=True)
    assert "56 dossiers gevonden" in first and "Pagina 1 van 2" in first
    assert "Kandidaat 00" in first and "Kandidaat 50" not in first
    second = griffie_client.get("/griffie/?sorteer=kandidaat&pagina=2").get_data(as_text=True)
    assert "Kandidaat 50" in second and "Zoë Zwart" in second and "Kandidaat 00" not in second
    desc = griffie_client.get("/griffie/?sorteer=kandidaat&richting=desc").get_data(as_text=True)
    assert desc.index("Zoë Zwart") < desc.index("Kandidaat 54")
    for query in (f"ronde={ronde.public_id}", "status=afgerond", f"beoordelaar={reviewer.id}", "q=zwart", "q=ZWART"):
        html = griffie_client.get(f"/griffie/?{query}").get_data(as_text=True)
        assert "1 dossier gevonden" in html and "Zoë Zwart" in html, query
    assert "55 dossiers gevonden" in griffie_client.get("/griffie/?ronde=geen").get_data(as_text=True)
    assert "0 dossiers gevonden" in griffie_client.get("/griffie/?q=%25_").get_data(as_text=True)


@pytest.mark.parametrize("query", ["pagina=abc", "pagina=-5", "pagina=99999999999", "status=onzin", "sorteer=x;drop",
                                   "richting=sideways", "beoordelaar=abc", "ronde=" + "x" * 500, "q=" + "a" * 5000,
                                   "sep=|"])
def test_bad_query_strings_never_fail(griffie_client, org, app_ctx, query):
    make_dossier(org, "Anna Achter")
    assert griffie_client.get(f"/griffie/?{query}").status_code == 200
    assert griffie_client.get(f"/griffie/export.csv?{query}").status_code == 200


def _statements_for_page(griffier) -> tuple[int, int]:
    statements = []

    def count(*_args, **_kw):
        statements.append(1)

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = overview.overview_page(griffier, overview.Filters())
        assert all(r.reports == {"samenvatting"} for r in page.rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(page.rows), len(statements)


def test_overview_query_count_does_not_grow_with_rows(griffier, org, reviewer, app_ctx):
    for i in range(3):
        add_report(make_dossier(org, f"K {i}", status=DossierStatus.afgerond, reviewer=reviewer), "samenvatting")
    few = _statements_for_page(griffier)
    for i in range(30):
        add_report(make_dossier(org, f"L {i}", status=DossierStatus.afgerond, reviewer=reviewer), "samenvatting")
    many = _statements_for_page(griffier)
    assert few[0] == 3 and many[0] == 33
    assert few[1] == many[1] <= 8  # user + organisation reload, count, page, grouped report kinds


@pytest.mark.parametrize("path", ["/griffie/", "/griffie/export.csv", "/griffie/export.xlsx", "/griffie/rondes",
                                  "/griffie/relaties"])
@pytest.mark.parametrize("role", ["candidate", "reviewer", "admin"])
def test_other_roles_get_404(client, make_user, org, role, path):
    login(client, make_user(role, org))
    assert client.get(path).status_code == 404


def test_other_organisation_cannot_reach_dossiers_or_rounds(client, make_user, make_org, griffier, org, app_ctx):
    dossier = make_dossier(org, "Anna Achter", status=DossierStatus.afgerond)
    ronde = rounds.create_round(griffier, "Ronde A", None)
    stranger = make_user("griffier", make_org("Gemeente Anders"))
    login(client, stranger)
    for path in (f"/griffie/dossiers/{dossier.public_id}", f"/griffie/dossiers/{dossier.public_id}/audittrail.csv",
                 f"/griffie/rondes/{ronde.public_id}", f"/griffie/rondes/{ronde.public_id}/samenvattingen.zip"):
        assert client.get(path).status_code == 404, path
    r = client.post(f"/griffie/dossiers/{dossier.public_id}/benoeming",
                    data={"result": "benoemd", "decided_on": date.today().isoformat()})
    assert r.status_code == 404
    assert "Anna Achter" not in client.get("/griffie/").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    r = client.get("/griffie/")
    assert r.status_code == 302 and "/inloggen" in r.headers["Location"]
