"""The gunicorn access log never holds an activation token or a query string."""
from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from integrity_tool.logging_redact import RedactingLogger, redact_path

ROOT = Path(__file__).resolve().parents[2]


def test_activation_tokens_are_masked():
    assert redact_path("/activeren/k2EkqGuyiJ_iXLixO4ZqadKpjOtFEZ6cUJU9KxmaMyM/privacy") == "/activeren/***/privacy"
    assert redact_path("/activeren/abc") == "/activeren/***"
    assert redact_path("/kandidaat/dossier/x/onderdeel/y") == "/kandidaat/dossier/x/onderdeel/y"


def test_the_configured_logger_writes_no_token_or_query():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    cfg.set("logger_class", conf.logger_class)
    assert cfg.logger_class is RedactingLogger
    logger = RedactingLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/activeren/geheimtoken123?x=geheimezoekterm",
               "PATH_INFO": "/activeren/geheimtoken123", "QUERY_STRING": "x=geheimezoekterm",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    resp = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    req = SimpleNamespace(headers=[])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    line = conf.access_log_format % atoms
    assert "geheimtoken123" not in line and "geheimezoekterm" not in line
    assert "/activeren/***" in line
    assert "geheim" not in str({k: v for k, v in atoms.items() if not k.startswith("{")})
