"""Web layer: thin blueprints over services."""
from flask import Flask

from . import (activation, admin, auth, candidate, candidate_measures, errors, griffie, hooks, invite, main, public,
               register, review)

BLUEPRINTS = (main.bp, auth.bp, candidate.bp, review.bp, griffie.bp, admin.bp, public.bp, register.bp,
              candidate_measures.bp, activation.bp, invite.bp)


def register_web(app: Flask) -> None:
    hooks.init_app(app)
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
