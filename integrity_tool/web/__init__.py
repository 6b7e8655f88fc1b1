"""Web layer: thin blueprints over services."""
from flask import Flask

from ..models import DossierKind, DossierStatus, FollowUp, MeasureStatus, Role
from ..questionnaire import Level, MeasureOwner, Outcome

from . import (activation, admin, admin_sso, auth, candidate, candidate_measures, errors, griffie, hooks, invite, main,
               platform, public, register, review, sso)

# The domain vocabulary for templates: compare members (``d.status == DossierStatus.afgerond``), not strings.
VOCABULARY = {cls.__name__: cls for cls in (DossierKind, DossierStatus, FollowUp, Level, MeasureOwner, MeasureStatus,
                                            Outcome, Role)}

BLUEPRINTS = (main.bp, auth.bp, candidate.bp, review.bp, griffie.bp, admin.bp, public.bp, register.bp,
              candidate_measures.bp, activation.bp, invite.bp, platform.bp, sso.bp, admin_sso.bp)


def register_web(app: Flask) -> None:
    hooks.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals.update(VOCABULARY)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
