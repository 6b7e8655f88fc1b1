"""Benchmark: the griffie with 10,000 dossiers and 50,000 nevenfuncties.

Usage: python bench/griffie.py [--dossiers N] [--requests N]
Uses DATABASE_URL if set (an empty database), else a temporary SQLite instance. Measures the p95
of the overview page (logged-in griffier, varied pages, filters and sorting), the XLSX export of
all dossiers, and matching 10,000 candidate entries against 20,000 relations (the timing that
used to be a test: no timed tests in tests/). The last line is one JSON object with the figures,
the targets and "ok".
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGETS = {"overview_p95_ms": 150.0, "xlsx_export_s": 5.0, "matching_s": 1.0}
PASSWORD = "correct paard batterij nietje"
FIRST = ["Anna", "Bram", "Carla", "Daan", "Eva", "Finn", "Greet", "Hidde", "Iris", "Joost", "Karin", "Lars"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos"]


def make_app(instance: Path):
    from integrity_tool import create_app
    from integrity_tool.services.instance import ensure_instance_files

    ensure_instance_files(instance)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'bench.db'}"
    return create_app({"ENV": "testing", "TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "b" * 64,
                       "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_COST": 1024, "SQLALCHEMY_DATABASE_URI": url, "BASE_URL": "http://localhost"})


def seed(n_dossiers: int) -> dict:
    """Bulk inserts (executemany): users, rounds, dossiers, submissions with 5 nevenfuncties each, reports."""
    from sqlalchemy import insert

    from integrity_tool.models import Dossier, DossierStatus, Report, Round, Submission, User, db, new_public_id
    from integrity_tool.services import runtime, security, users

    rng = random.Random(7)
    org = users.create_organisation("Gemeente Benchmark", "gemeente")
    griffier = users.new_user(org, "griffier@bench.nl", "Greet Griffier", "griffier", password=PASSWORD)
    griffier.totp_secret, griffier.mfa_method = security.new_totp_secret(), "totp"
    reviewers = [users.new_user(org, f"beoordelaar{i}@bench.nl", f"Beoordelaar {i}", "reviewer") for i in range(5)]
    db.session.commit()
    found = runtime.catalog().for_kind("gemeente")
    qid, qversion, qhash = (found[0].id, found[0].version, found[0].content_hash) if found else \
        ("kandidaat-wethouder", "2026.1", "0" * 64)
    rounds = []
    for i in range(5):
        r = Round(public_id=new_public_id(), organisation_id=org.id, name=f"Ronde {2026 + i}",
                  appointment_date=date(2026 + i, 5, 20))
        db.session.add(r)
        rounds.append(r)
    db.session.commit()

    db.session.execute(insert(User), [
        {"organisation_id": org.id, "email": f"kandidaat{i}@bench.nl", "role": "candidate", "active": True,
         "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}", "language": "nl"} for i in range(n_dossiers)])
    db.session.commit()
    from sqlalchemy import select

    candidate_ids = db.session.scalars(select(User.id).where(User.role == "candidate").order_by(User.id)).all()
    statuses = list(DossierStatus)
    today = date.today()
    db.session.execute(insert(Dossier), [
        {"public_id": new_public_id(), "organisation_id": org.id, "candidate_id": cid,
         "reviewer_id": rng.choice(reviewers).id if i % 4 else None, "round_id": rounds[i % 5].id if i % 7 else None,
         "questionnaire_id": qid, "questionnaire_version": qversion, "questionnaire_hash": qhash,
         "function_title": "Wethouder",
         "portfolio": "Financiën", "deadline": today + timedelta(days=rng.randint(-30, 60)),
         "status": statuses[i % len(statuses)].name, "progress_done": rng.randint(0, 12), "progress_total": 12,
         "count_blokkerend": i % 2, "count_hoog": i % 3, "count_aandachtspunt": i % 5, "kind": "benoeming",
         "version": 1}
        for i, cid in enumerate(candidate_ids)])
    db.session.commit()
    dossier_ids = db.session.scalars(select(Dossier.id).order_by(Dossier.id)).all()
    batch = 2000
    for start in range(0, len(dossier_ids), batch):
        db.session.execute(insert(Submission), [
            {"dossier_id": did, "number": 1, "questionnaire_id": qid, "questionnaire_version": qversion,
             "questionnaire_hash": qhash,
             "payload": {"answers": {"heeft_nevenfuncties": True, "nevenfuncties": [
                 {"omschrijving": "Bestuurslid", "organisatie": f"Stichting {did}-{k}", "kvk": f"{30000000 + did * 5 + k}",
                  "betaald": False, "behouden": True} for k in range(5)]}, "findings": []}}
            for did in dossier_ids[start:start + batch]])
        db.session.commit()
    db.session.execute(insert(Report), [
        {"dossier_id": did, "kind": kind, "document_number": f"RIS-B-{did}-{kind[:1]}", "sha256": "0" * 64,
         "size": 10, "content": b"%PDF-bench"}
        for did in dossier_ids[::5] for kind in ("vertrouwelijk", "samenvatting")])
    db.session.commit()
    return {"griffier_id": griffier.id, "rounds": [r.public_id for r in rounds],
            "reviewers": [r.id for r in reviewers]}


def login(client, user) -> None:
    import pyotp

    assert client.post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert client.post("/inloggen/code", data={"code": pyotp.TOTP(user.totp_secret).now()}).status_code == 302


def overview_urls(ctx: dict, n: int) -> list[str]:
    variants = ["/griffie/", "/griffie/?pagina=2", "/griffie/?pagina=100", "/griffie/?pagina=200",
                "/griffie/?sorteer=kandidaat", "/griffie/?sorteer=kandidaat&pagina=150",
                "/griffie/?sorteer=deadline&richting=desc", "/griffie/?status=verlopen", "/griffie/?status=open&pagina=3",
                f"/griffie/?ronde={ctx['rounds'][0]}", f"/griffie/?ronde={ctx['rounds'][2]}&sorteer=status",
                f"/griffie/?beoordelaar={ctx['reviewers'][1]}", "/griffie/?q=vries", "/griffie/?q=Jansen&pagina=2",
                "/griffie/?sorteer=beoordelaar", "/griffie/?sorteer=ronde&pagina=50", "/griffie/?status=afgerond"]
    return [variants[i % len(variants)] for i in range(n)]


def bench_matching(n_entries: int = 10_000, n_relations: int = 20_000) -> tuple[float, int, int]:
    """Index ``n_relations`` relations and match ``n_entries`` nevenfuncties of the wethouder
    questionnaire (the matcher follows its fact markers). Every 50th entry names a relation (every
    100th also by KvK number: one match, not two). Returns (seconds, matches found, matches expected)."""
    from integrity_tool.questionnaire import default_catalog
    from integrity_tool.services.matching import build_index, match_answers

    questionnaire = default_catalog().get("kandidaat-wethouder")
    relations = [(f"Leverancier {i} Installatietechniek B.V.", f"{10000000 + i}", "leverancier", None)
                 for i in range(n_relations)]
    entries = [{"omschrijving": "Lid", "organisatie": f"Stichting Sportpark {i}" if i % 50 else
                f"Leverancier {i} Installatietechniek", "kvk": f"{10000000 + i}" if i % 100 == 0 else f"{50000000 + i}"}
               for i in range(n_entries)]
    expected = sum(1 for i in range(n_entries) if i % 50 == 0 and i < n_relations)
    start = time.perf_counter()
    index = build_index(relations)
    found = match_answers({"heeft_nevenfuncties": True, "nevenfuncties": entries}, questionnaire, index)
    return time.perf_counter() - start, len(found), expected


def main() -> int:
    import logging

    logging.getLogger("integrity_tool").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=60)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context():
            from flask_migrate import upgrade

            from integrity_tool.models import User, db

            upgrade()
            t0 = time.perf_counter()
            ctx = seed(args.dossiers)
            print(f"seeded {args.dossiers} dossiers, {args.dossiers * 5} nevenfuncties in {time.perf_counter() - t0:.1f} s")
            griffier = db.session.get(User, ctx["griffier_id"])
            client = app.test_client()
            login(client, griffier)
            db.session.remove()
        for url in overview_urls(ctx, 5):  # warm-up: templates, statement cache
            assert client.get(url).status_code == 200
        timings = []
        for url in overview_urls(ctx, max(args.requests, 30)):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
        print(f"overview: {len(timings)} requests, median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")
        start = time.perf_counter()
        response = client.get("/griffie/export.xlsx")
        xlsx_s = time.perf_counter() - start
        assert response.status_code == 200
        print(f"xlsx export: {len(response.data) / 1e6:.2f} MB in {xlsx_s:.2f} s")
        start = time.perf_counter()
        response = client.get("/griffie/export.csv?sep=;")
        csv_s = time.perf_counter() - start
        print(f"csv export: {len(response.data) / 1e6:.2f} MB in {csv_s:.2f} s")
    matching_s, matches, expected = bench_matching()
    print(f"matching: 10000 entries against 20000 relations in {matching_s * 1000:.0f} ms "
          f"({matches} matches, {expected} expected)")
    figures = {"overview_p95_ms": round(p95, 1), "xlsx_export_s": round(xlsx_s, 2), "matching_s": round(matching_s, 3)}
    ok = all(figures[k] <= TARGETS[k] for k in TARGETS) and matches == expected
    print(json.dumps({"dossiers": args.dossiers, "nevenfuncties": args.dossiers * 5, "requests": len(timings),
                      **figures, "matching_matches": matches, "matching_expected": expected,
                      "csv_export_s": round(csv_s, 2), "targets": TARGETS, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
