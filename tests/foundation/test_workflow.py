"""Every transition of the state machine, legal and illegal (table-driven)."""
import pytest

from integrity_tool.models import DossierStatus, db
from integrity_tool.services import runtime, workflow
from integrity_tool.services.dossiers import create_dossier
from integrity_tool.services.errors import StateError

ALL = list(DossierStatus)
CASES = [(action, status, status in sources)
         for action, (sources, _target) in workflow.TRANSITIONS.items() for status in ALL]


@pytest.fixture
def dossier(make_org, make_user):
    org = make_org()
    d = create_dossier(org, make_user("candidate", org), make_user("reviewer", org),
                       runtime.catalog().for_kind("gemeente")[0].id, function_title="Wethouder")
    db.session.commit()
    return d


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
