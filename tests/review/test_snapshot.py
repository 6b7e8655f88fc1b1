"""services.snapshot and Catalog.for_record: one rule for "which questionnaire and answers belong to
this dossier", so every page behaves the same when a questionnaire version is missing."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from integrity_tool.models import Submission, db
from integrity_tool.questionnaire import default_catalog
from integrity_tool.services import matching, register, runtime, snapshot
from integrity_tool.services.errors import NotFound

from tests.conftest import login

from tests.factories import complete_answers

from .helpers import base_answers


def _record(q, *, version=None, content_hash=None):
    return SimpleNamespace(questionnaire_id=q.id, questionnaire_version=version or q.version,
                           questionnaire_hash=content_hash if content_hash is not None else q.content_hash)


def test_for_record_by_id_and_version_then_by_hash_then_none():
    catalog = default_catalog()
    q = catalog.get("kandidaat-wethouder")
    assert catalog.for_record(_record(q)) is q
    assert catalog.for_record(_record(q, version="99.9")) is q  # found by content hash
    assert catalog.for_record(_record(q, version="99.9", content_hash="0" * 64)) is None
    assert catalog.for_record(_record(q, version="99.9", content_hash="")) is None


def test_a_dossier_pinned_to_the_version_before_the_fact_markers_keeps_it():
    """2026.2 brought the fact markers; a dossier that began on 2026.1 (stored with the hash the loader then
    computed, which no longer matches) is still shown and scored with 2026.1, not with the newest version."""
    catalog = default_catalog()
    old, new = catalog.get("kandidaat-wethouder", "2026.1"), catalog.get("kandidaat-wethouder")
    assert new.version == "2026.2" and old is not new
    pre_facts_hash = "b3816094633cd270" + "0" * 48  # what the pre-2026.2 loader stored; id + version decide
    assert catalog.for_record(_record(old, content_hash=pre_facts_hash)) is old
    assert catalog.for_record(_record(old)) is old
    assert catalog.for_record(_record(new)) is new


def _lose_version(world, *, keep_hash: bool):
    """Pretend the dossier's questionnaire version was removed from the instance directory."""
    for record in [world.dossier, *snapshot.submissions(world.dossier)]:
        record.questionnaire_version = "99.9"
        if not keep_hash:
            record.questionnaire_hash = "0" * 64
    db.session.commit()


def test_latest_gathers_submission_answers_findings_and_comments(world):
    snap = snapshot.latest(world.dossier)
    assert isinstance(snap.submission, Submission) and snap.submission.number == 1
    assert snap.questionnaire is runtime.catalog().for_record(world.dossier)
    submitted = complete_answers(snap.questionnaire, base_answers())  # what the factory submitted
    assert snap.answers == submitted
    assert {f.key for f in snap.findings} >= {"levert_aan_overheid", "omstreden_rol"}
    assert snap.comments == {}
    assert snapshot.current_answers(world.dossier) == submitted


def test_missing_version_falls_back_to_hash_everywhere(world):
    expected = runtime.catalog().for_record(world.dossier)
    _lose_version(world, keep_hash=True)
    assert snapshot.questionnaire_for(world.dossier) is expected
    assert snapshot.require_questionnaire(world.dossier) is expected
    assert snapshot.latest(world.dossier).questionnaire is expected
    # The register and the belangenkruising read the same questionnaire (they knew only id+version before).
    assert register._items(snapshot.latest_submission(world.dossier)) is not None
    matching.crosscheck_findings(world.dossier)


def test_missing_questionnaire_is_none_for_reads_and_not_found_for_pages_that_need_it(world):
    _lose_version(world, keep_hash=False)
    assert snapshot.questionnaire_for(world.dossier) is None
    assert snapshot.latest(world.dossier).questionnaire is None
    with pytest.raises(NotFound) as exc:
        snapshot.require_questionnaire(world.dossier)
    assert exc.value.message == snapshot.QUESTIONNAIRE_MISSING
    assert register._items(snapshot.latest_submission(world.dossier)) is None
    assert isinstance(matching.crosscheck_findings(world.dossier), list)


def test_reviewer_page_with_a_missing_questionnaire(app, world):
    _lose_version(world, keep_hash=False)
    rc = app.test_client()
    login(rc, world.reviewer)
    assert rc.get(f"/beoordeling/dossier/{world.dossier.public_id}").status_code == 200
