"""The administrator's organisation settings: audited, validated."""
from sqlalchemy import select

from integrity_tool.models import AuditEvent, Organisation, db
from tests.conftest import login

# The page also holds the "it is your turn" mail checkboxes (issue 13.6), ticked by default: a browser
# posts them, so the form here does too (left out, they would switch the mails off). Issue 19 added the
# term's length and its retention.
FORM = {"retention_not_appointed_weeks": "4", "retention_appointed_months": "3", "term_months": "48",
        "retention_term_months": "3",
        **{f"mail_{k}": "y" for k in ("ingediend", "opnieuw_ingediend", "maatregelen_gereageerd", "ondertekend",
                                       "beoordeling_gestart")}}


def test_admin_toggles_griffier_access_audited(client, make_user, org, app_ctx):
    admin = make_user("admin", org)
    login(client, admin)
    assert "vertrouwelijke inhoud" in client.get("/beheer/").get_data(as_text=True)
    r = client.post("/beheer/", data={**FORM, "griffier_sees_confidential": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).griffier_sees_confidential is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisatie.instelling_gewijzigd"))
    assert event.detail == {"instelling": "griffier_ziet_vertrouwelijk", "oud": False, "nieuw": True}
    assert event.actor_id == admin.id and event.organisation_id == org.id
    client.post("/beheer/", data={**FORM, "retention_not_appointed_weeks": "8", "allow_email_otp": "y",
                                  "retention_term_months": "6"})
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert org.griffier_sees_confidential is False and org.allow_email_otp is True
    assert org.retention_not_appointed_weeks == 8 and org.retention_term_months == 6
    names = [e.detail["instelling"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisatie.instelling_gewijzigd").order_by(AuditEvent.id))]
    assert names == ["griffier_ziet_vertrouwelijk", "griffier_ziet_vertrouwelijk", "inlogcode_per_email",
                     "bewaartermijn_niet_benoemd_weken", "bewaartermijn_na_termijn_maanden"]


def test_admin_settings_validation(client, make_user, org, app_ctx):
    login(client, make_user("admin", org))
    for bad in ({**FORM, "retention_not_appointed_weeks": "0"},
                {**FORM, "retention_not_appointed_weeks": "abc"},
                {**FORM, "retention_appointed_months": "999"},
                {**FORM, "term_months": "0"},
                {**FORM, "retention_term_months": "-1"},
                {}):
        r = client.post("/beheer/", data=bad)
        assert r.status_code == 400
        assert "Er is een probleem" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).retention_not_appointed_weeks == 4


def test_griffier_cannot_change_settings(client, make_user, org):
    login(client, make_user("griffier", org))
    assert client.post("/beheer/", data={**FORM, "griffier_sees_confidential": "y"}).status_code == 404
