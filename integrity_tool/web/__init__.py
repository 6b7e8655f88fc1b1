"""Web layer: thin blueprints over services."""
from flask import Flask

from . import (activation, admin, auth, candidate, errors, griffie, hooks, invite, main, measures_candidate, public,
               register, review)

BLUEPRINTS = (main.bp, auth.bp, candidate.bp, review.bp, griffie.bp, admin.bp, public.bp, register.bp,
              measures_candidate.bp, activation.bp, invite.bp)


def register_web(app: Flask) -> None:
    hooks.init_app(app)
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
