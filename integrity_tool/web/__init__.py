"""Web layer: thin blueprints over services."""
from flask import Flask


def register_web(app: Flask) -> None:
    from . import auth, errors, hooks, main

    hooks.init_app(app)
    errors.init_app(app)
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    for name in ("candidate", "review", "griffie", "admin", "public", "register", "candidate_measures", "activation", "invite"):
        module = _optional(name)
        if module is not None:
            app.register_blueprint(module.bp)


def _optional(name: str):
    """Blueprints of later features are registered when their module exists."""
    import importlib
    import importlib.util

    if importlib.util.find_spec(f"{__name__}.{name}") is None:
        return None
    return importlib.import_module(f"{__name__}.{name}")
