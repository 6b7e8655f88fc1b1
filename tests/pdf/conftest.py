"""Fixtures for the PDF renderer and signing tests (no Flask, no database)."""
from __future__ import annotations

import socket

import pytest

from integrity_tool.pdf import render_confidential, render_summary
from integrity_tool.pdf.sample import sample_report_data
from integrity_tool.signing import ensure_org_pki

PASSPHRASE = b"test-passphrase-not-secret"


@pytest.fixture(scope="session")
def data():
    return sample_report_data()


@pytest.fixture(scope="session")
def confidential_pdf(data):
    return render_confidential(data)


@pytest.fixture(scope="session")
def summary_pdf(data):
    return render_summary(data)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return ensure_org_pki(tmp_path_factory.mktemp("keys"), "sudwest-fryslan", "Gemeente Súdwest-Fryslân", PASSPHRASE)


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory):
    return ensure_org_pki(tmp_path_factory.mktemp("keys2"), "elders", "Gemeente Elders", PASSPHRASE)


@pytest.fixture
def no_network(monkeypatch):
    """Any socket connect during the test fails loudly."""
    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, *a))
    return calls
