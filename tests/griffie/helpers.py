"""Answers for the griffie tests (matching, register, rounds); dossiers come from ``make_dossier``
(tests/factories.py), which completes these answers to submit them."""
from __future__ import annotations


def nevenfunctie(omschrijving="Voorzitter", organisatie="Stichting Natuurbehoud", *, kvk=None, betaald=False,
                 bedrag=None, behouden=True, relatie=("geen",), qq=False) -> dict:
    item = {"omschrijving": omschrijving, "organisatie": organisatie, "betaald": betaald, "qq": qq,
            "relatie_overheid": list(relatie), "behouden": behouden}
    if kvk:
        item["kvk"] = kvk
    if betaald and bedrag:
        item["bedrag_per_jaar"] = bedrag
    if behouden:
        item["uren_per_maand"] = 4
    return item


def answers(*, nevenfuncties=(), ondernemingen=(), relaties=(), werkgever="Eigen praktijk") -> dict:
    out: dict = {"werkgever": werkgever, "functie": "Adviseur", "heeft_nevenfuncties": bool(nevenfuncties),
                 "heeft_ondernemingen": bool(ondernemingen)}
    if nevenfuncties:
        out["nevenfuncties"] = list(nevenfuncties)
    if ondernemingen:
        out["ondernemingen"] = [{"rechtsvorm": "bv", "belang_percentage": 100, "zaken_met_overheid": False, **o}
                                for o in ondernemingen]
    if relaties:
        out["familie_zaken_overheid"] = True
        out["relaties"] = [{"relatie": "partner", "aard": "doet_zaken", **r} for r in relaties]
    return out
