"""The candidate's journey without JavaScript and on a phone (375×667), axe-core on every page."""
from __future__ import annotations

import pytest

from .helpers import login
from .journey import Journey, fill_in_questionnaire, invite, review_and_submit

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}

pytestmark = pytest.mark.e2e


def _candidate_journey(new_context, visit, server, authenticator, staff, *, name: str, js: bool = True,
                       context_options: dict | None = None, max_width: int | None = None) -> Journey:
    griffier, reviewer = staff
    griffie_page = new_context().new_page()
    login(griffie_page, visit, griffier, authenticator)
    candidate = invite(griffie_page, visit, server, griffier, reviewer, name=name)

    options = dict(context_options or {})
    if not js:
        options["java_script_enabled"] = False
    page = new_context(**options).new_page()
    j = Journey(page, visit, server, authenticator, js=js, max_width=max_width)
    j.activate(candidate)
    fill_in_questionnaire(j, candidate)
    review_and_submit(j, candidate)
    return j


def test_candidate_journey_without_javascript(new_context, visit, server, authenticator, staff):
    j = _candidate_journey(new_context, visit, server, authenticator, staff, name="Noor Zonderscript", js=False)
    # really without scripts: the conditional questions came from the server ("Vragen bijwerken")
    assert j.refreshes > 0


def test_candidate_journey_on_a_phone(new_context, visit, server, authenticator, staff):
    _candidate_journey(new_context, visit, server, authenticator, staff, name="Fenna Telefoon",
                       context_options=PHONE, max_width=PHONE["viewport"]["width"])
