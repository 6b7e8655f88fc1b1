"""Issue 15.3: the platform administrator creates organisations and their administrators; an organisation's
administrator invites and switches off its own staff. All in the browser, audited; no dossier content
for the platform administrator (the authorisation matrix covers every page)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from integrity_tool.models import AuditEvent, Invitation, Organisation, Role, User, UserSession, db
from integrity_tool.services import staff, users
from integrity_tool.services.errors import InvalidInput, NotFound
from tests.conftest import login, outbox_messages


@pytest.fixture
def platform(make_user):
    return make_user("platform", name="Petra Platform")


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_platform_admin_belongs_to_no_organisation(app_ctx, platform, org):
    assert platform.organisation_id is None and platform.role == Role.platform
    with pytest.raises(InvalidInput):
        users.new_user(None, "x@example.nl", "X", "admin")
    with pytest.raises(InvalidInput):
        users.new_user(org, "y@example.nl", "Y", "platform")


def test_create_organisation_with_first_admin(app, app_ctx, platform):
    before = len(outbox_messages(app))
    org, admin = staff.create_organisation(platform, name="Gemeente Nieuwdorp", kind="gemeente",
                                           admin_name="Nina Nieuw", admin_email="Nina@Nieuwdorp.nl")
    assert admin.organisation_id == org.id and admin.role == Role.admin and admin.email == "nina@nieuwdorp.nl"
    assert admin.password_hash is None and db.session.scalar(select(Invitation).where(Invitation.user_id == admin.id))
    assert len(outbox_messages(app)) == before + 1
    assert "gebruiker.uitgenodigd" in _actions() and "organisatie.aangemaakt" in _actions()
    # bad input: nothing is created
    for kwargs in ({"name": "Gemeente Nieuwdorp", "kind": "gemeente"},  # name in use
                   {"name": "Gemeente Twee", "kind": "stad"},
                   {"name": "Gemeente Drie", "kind": "gemeente", "admin_email": "nina@nieuwdorp.nl"},
                   {"name": "Gemeente Vier", "kind": "gemeente", "admin_email": "geen-adres"}):
        values = {"admin_name": "X", "admin_email": "x@vier.nl", **kwargs}
        with pytest.raises(InvalidInput):
            staff.create_organisation(platform, **values)
    assert db.session.scalars(select(Organisation.name)).all() == ["Gemeente Nieuwdorp"]
    summary = staff.organisations(platform)
    assert [(s.organisation.name, [a.name for a in s.admins], s.users) for s in summary] == [
        ("Gemeente Nieuwdorp", ["Nina Nieuw"], 1)]


def test_only_the_platform_admin_creates_organisations(app_ctx, make_user, org):
    for role in ("admin", "griffier", "reviewer", "candidate"):
        with pytest.raises(NotFound):
            staff.create_organisation(make_user(role, org), name="Gemeente X", kind="gemeente", admin_name="A",
                                      admin_email="a@x.nl")
        with pytest.raises(NotFound):
            staff.organisations(make_user(role, org))


def test_admin_invites_and_switches_off_own_staff(app, app_ctx, make_user, org, make_org):
    admin = make_user("admin", org)
    griffier = staff.invite(admin, org, name="Gijs Griffier", email="gijs@example.nl", role="griffier")
    assert griffier.organisation_id == org.id and griffier.role == Role.griffier
    with pytest.raises(InvalidInput):
        staff.invite(admin, org, name="K", email="k@example.nl", role="candidate")  # via the griffie only
    with pytest.raises(InvalidInput):
        staff.invite(admin, org, name="P", email="p@example.nl", role="platform")
    other = make_org("Gemeente Elders")
    with pytest.raises(NotFound):
        staff.invite(admin, other, name="E", email="e@example.nl", role="griffier")
    reviewer = make_user("reviewer", org)
    users.start_session(reviewer, "127.0.0.1", "test")
    assert staff.set_active(admin, org, reviewer.id, False) is True
    assert staff.set_active(admin, org, reviewer.id, False) is False  # double submit
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == reviewer.id)).revoked_at is not None
    assert staff.set_active(admin, org, reviewer.id, True) is True
    with pytest.raises(InvalidInput, match="eigen account"):
        staff.set_active(admin, org, admin.id, False)
    foreign = make_user("reviewer", other)
    for bad in (foreign.id, "abc", 2**40, None):
        with pytest.raises(NotFound):
            staff.set_active(admin, org, bad, False)
    # the last active administrator stays
    second = make_user("admin", org)
    assert staff.set_active(second, org, admin.id, False) is True
    with pytest.raises(InvalidInput, match="laatste actieve beheerder"):
        staff.set_active(admin, org, second.id, False)
    assert {"gebruiker.uitgenodigd", "gebruiker.gedeactiveerd", "gebruiker.geactiveerd"} <= set(_actions())


def test_platform_pages(client, app, platform, org, make_user):
    login(client, platform)
    home = client.get("/platform/")
    assert home.status_code == 200 and org.name in home.get_data(as_text=True)
    assert "Platformbeheer" in home.get_data(as_text=True)
    bad = client.post("/platform/", data={"name": "", "kind": "gemeente", "admin_name": "", "admin_email": ""})
    assert bad.status_code == 400 and "Er is een probleem" in bad.get_data(as_text=True)
    used = client.post("/platform/", data={"name": "Gemeente Nieuw", "kind": "gemeente", "admin_name": "A",
                                           "admin_email": "dubbel@example.nl"})
    assert used.status_code == 302
    again = client.post("/platform/", data={"name": "Gemeente Anders", "kind": "gemeente", "admin_name": "B",
                                            "admin_email": "dubbel@example.nl"})
    assert again.status_code == 400 and "al een account" in again.get_data(as_text=True)
    assert client.post("/platform/", data={"name": "Gemeente X", "kind": "dorp", "admin_name": "B",
                                           "admin_email": "b@example.nl"}).status_code == 400
    page = client.get(f"/platform/organisatie/{org.slug}")
    assert page.status_code == 200
    r = client.post(f"/platform/organisatie/{org.slug}", data={"admin_name": "Bram Beheer",
                                                                 "admin_email": "bram@example.nl"})
    assert r.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "bram@example.nl")).role == Role.admin
    assert client.get("/platform/organisatie/bestaat-niet").status_code == 404
    # no dossier content, no organisation pages
    for path in ("/griffie/", "/beoordeling/", "/beheer/", "/beheer/vragenlijsten", "/kandidaat/",
                 "/griffie/export.xlsx"):
        assert client.get(path).status_code == 404, path


def test_admin_user_pages(client, app, org, make_user):
    admin = make_user("admin", org)
    reviewer = make_user("reviewer", org)
    login(client, admin)
    html = client.get("/beheer/").get_data(as_text=True)
    assert "Iemand uitnodigen" in html and reviewer.name in html
    r = client.post("/beheer/gebruikers", data={"name": "Rob Reviewer", "email": "rob@example.nl",
                                                "role": "reviewer"})
    assert r.status_code == 302
    assert client.post("/beheer/gebruikers", data={"name": "", "email": "x", "role": "reviewer"}).status_code == 400
    dup = client.post("/beheer/gebruikers", data={"name": "Rob", "email": "rob@example.nl", "role": "reviewer"})
    assert dup.status_code == 400 and "al een account" in dup.get_data(as_text=True)
    assert client.post("/beheer/gebruikers", data={"name": "K", "email": "k@example.nl",
                                                   "role": "candidate"}).status_code == 400
    rob = db.session.scalar(select(User).where(User.email == "rob@example.nl"))
    assert client.post("/beheer/gebruikers/opnieuw-uitnodigen", data={"user_id": str(rob.id)}).status_code == 302
    assert client.post("/beheer/gebruikers/uitzetten", data={"user_id": str(reviewer.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, reviewer.id).active is False
    assert client.post("/beheer/gebruikers/aanzetten", data={"user_id": str(reviewer.id)}).status_code == 302
    assert client.post("/beheer/gebruikers/uitzetten", data={"user_id": "99999999999"}).status_code == 302  # stale
    db.session.expire_all()
    assert db.session.get(User, reviewer.id).active is True


def test_cli_creates_the_platform_admin(app, app_ctx, runner):
    result = runner.invoke(args=["user", "create-platform-admin", "--email", "platform@example.nl",
                                 "--name", "Piet Platform"])
    assert result.exit_code == 0, result.output
    assert "/activeren/" in result.output
    user = db.session.scalar(select(User).where(User.email == "platform@example.nl"))
    assert user.role == Role.platform and user.organisation_id is None
    again = runner.invoke(args=["user", "create-platform-admin", "--email", "platform@example.nl", "--name", "X"])
    assert again.exit_code == 1 and "al een gebruiker" in again.output
    with_password = runner.invoke(args=["user", "create-platform-admin", "--email", "p2@example.nl", "--name", "P",
                                        "--password-stdin"], input="een heel lang en sterk wachtwoord 2026\n")
    assert with_password.exit_code == 0 and "tweestapsverificatie" in with_password.output
