"""Every transition of the state machine, legal and illegal (table-driven)."""
import pytest

from integrity_tool.models import DossierStatus, db
from integrity_tool.services import workflow
from integrity_tool.services.errors import StateError

ALL = list(DossierStatus)
CASES = [(action, status, status in sources)
         for action, (sources, _target) in workflow.TRANSITIONS.items() for status in ALL]


@pytest.fixture
def dossier(make_dossier):
    return make_dossier()  # a concept; each case below puts it in the status under test directly


@pytest.mark.parametrize("action,status,legal", CASES, ids=[f"{a}-{s.value}" for a, s, _ in CASES])
def test_transition(dossier, action, status, legal):
    dossier.status = status
    db.session.commit()
    version = dossier.version
    if legal:
        target = workflow.transition(dossier, action)
        db.session.commit()
        assert dossier.status == target == workflow.TRANSITIONS[action][1]
        assert dossier.version == version + 1
    else:
        with pytest.raises(StateError):
            workflow.transition(dossier, action)
        db.session.expire_all()
        assert dossier.status == status


def test_nothing_leaves_afgerond_or_ingetrokken():
    for action, (sources, _target) in workflow.TRANSITIONS.items():
        assert DossierStatus.afgerond not in sources
        assert DossierStatus.ingetrokken not in sources


def test_status_sets_are_read_off_the_transition_table():
    """guards, overview and the candidate pages ask the workflow; the sets follow its table."""
    from integrity_tool.services import guards, overview

    S = DossierStatus
    leaving = {s for sources, _target in workflow.TRANSITIONS.values() for s in sources}
    assert set(workflow.FROZEN) == set(ALL) - leaving == {S.afgerond, S.ingetrokken}
    assert set(workflow.REVIEWABLE) == set(workflow.TRANSITIONS["sign_off"][0]) == {S.in_behandeling,
                                                                                      S.maatregelen_voorgesteld}
    assert set(workflow.EDITABLE_BY_CANDIDATE) == {S.concept, S.terug_naar_kandidaat}
    assert set(workflow.OPEN) == set(ALL) - set(workflow.FROZEN)
    assert guards.FROZEN is workflow.FROZEN and guards.REVIEWABLE is workflow.REVIEWABLE
    assert overview.OPEN_STATUSES is workflow.OPEN
    for status in workflow.REVIEWABLE:  # the reviewer's statuses are exactly those sign-off leaves from
        assert workflow.allowed("sign_off", status) and workflow.allowed("request_clarification", status)
