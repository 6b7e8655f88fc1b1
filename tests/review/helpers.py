"""Answers for the review and report tests (dossiers come from ``make_dossier``: tests/factories.py)."""
from __future__ import annotations

CONFIDENTIAL_EMPLOYER = "Adviesbureau Zilvermeeuw Geheim"
CONFIDENTIAL_KVK = "87654321"

def base_answers(**extra) -> dict:
    """Answers with one blocking, one high and several aandachtspunt findings, and public nevenfuncties."""
    answers = {
        "werkgever": CONFIDENTIAL_EMPLOYER,
        "heeft_nevenfuncties": True,
        "nevenfuncties": [
            {"omschrijving": "Voorzitter", "organisatie": "Stichting Dorpshuis De Linde", "kvk": CONFIDENTIAL_KVK,
             "betaald": False, "qq": False, "relatie_overheid": ["subsidie"], "behouden": True},
            {"omschrijving": "Penningmeester", "organisatie": "Voetbalclub SV Vooruit", "betaald": True,
             "bedrag_per_jaar": "1200.00", "qq": False, "relatie_overheid": ["geen"], "behouden": True},
        ],
        "levert_aan_overheid": True,
        "omstreden_rol": True,
    }
    answers.update(extra)
    return answers

def new_client(app):
    return app.test_client()
