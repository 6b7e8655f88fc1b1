"""The griffier's overview: content, filters, sorting, pagination, query count, access rules."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from integrity_tool.models import db
from integrity_tool.services import overview, rounds
from tests.conftest import login
from tests.factories import example_answers, questionnaire, save_answers


def _counted() -> dict:
    """1 blokkerend, 2 hoog and 3 aandachtspunt findings: the example candidate's 1 hoog and 2 aandachtspunt, a
    second subsidised nevenfunctie (hoog), supplies to the organisation (blokkerend), a disputed role."""
    answers = example_answers()
    answers["nevenfuncties"].append(dict(answers["nevenfuncties"][1]))
    return {**answers, "levert_aan_overheid": True, "omstreden_rol": True}


def _part_done(make_dossier, name: str, sections: int, **details):
    """A concept dossier with the first ``sections`` sections saved complete."""
    dossier = make_dossier(name=name, **details)
    ids = [s.id for s in questionnaire().sections[:sections]]
    every = example_answers()
    save_answers(dossier, {q.id: every[q.id] for s in questionnaire().sections if s.id in ids for q in s.questions
                           if q.id in every})
    return dossier


def test_overview_lists_dossiers_without_confidential_content(griffie_client, make_dossier, app_ctx):
    _part_done(make_dossier, "Anna Achter", 5, deadline=date.today() - timedelta(days=1))
    make_dossier("afgerond", name="Bob Boer")
    html = griffie_client.get("/griffie/").get_data(as_text=True)
    total = len(questionnaire().sections)
    assert "Anna Achter" in html and "Bob Boer" in html
    assert "Bert Burgemeester" in html and f"5 van {total}" in html
    assert "Verlopen" in html and "Samenvatting (PDF)" in html  # the column links the raad summary (issue 13.5)
    assert "Bevindingen" not in html and "0 / 1 / 2" not in html


def test_counts_visible_when_the_organisation_allows_it(griffie_client, org, make_dossier, app_ctx):
    dossier = make_dossier("ingediend", name="Anna Achter", answers=_counted())
    assert tuple(dossier.finding_counts) == (1, 2, 3)
    org.griffier_sees_confidential = True
    db.session.commit()
    html = griffie_client.get("/griffie/").get_data(as_text=True)
    assert "Bevindingen" in html and "1 / 2 / 3" in html


def test_filters_sorting_and_pagination(griffie_client, griffier, reviewer, make_dossier, app_ctx):
    ronde = rounds.create_round(griffier, "Collegevorming 2026", date(2026, 5, 20))
    for i in range(55):
        make_dossier(name=f"Kandidaat {i:02d}", reviewer=None)
    make_dossier("afgerond", name="Zoë Zwart", round_id=ronde.id)
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
def test_bad_query_strings_never_fail(griffie_client, make_dossier, app_ctx, query):
    make_dossier(name="Anna Achter")
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
        assert all(r.reports == {"samenvatting", "vertrouwelijk"} for r in page.rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(page.rows), len(statements)


def test_overview_query_count_does_not_grow_with_rows(griffier, make_dossier, app_ctx):
    for i in range(3):
        make_dossier("afgerond", name=f"K {i}")  # signed: both reports
    few = _statements_for_page(griffier)
    for i in range(10):
        make_dossier("afgerond", name=f"L {i}")
    many = _statements_for_page(griffier)
    assert few[0] == 3 and many[0] == 13
    assert few[1] == many[1] <= 8  # user + organisation reload, count, page, grouped report kinds


@pytest.mark.parametrize("path", ["/griffie/", "/griffie/export.csv", "/griffie/export.xlsx", "/griffie/rondes",
                                  "/griffie/relaties"])
@pytest.mark.parametrize("role", ["candidate", "reviewer", "admin"])
def test_other_roles_get_404(client, make_user, org, role, path):
    login(client, make_user(role, org))
    assert client.get(path).status_code == 404


def test_other_organisation_cannot_reach_dossiers_or_rounds(client, make_user, make_org, griffier, make_dossier,
                                                             app_ctx):
    dossier = make_dossier("afgerond", name="Anna Achter")
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
