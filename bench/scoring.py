"""Benchmark: load+validate all questionnaires (no cache) and evaluate a large wethouder dossier.

Prints medians; the last line is one JSON object with figures, targets and "ok".
Run: python bench/scoring.py
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrity_tool.questionnaire import Catalog, load_measures  # noqa: E402
from integrity_tool.questionnaire import loader as _loader  # noqa: E402
from integrity_tool.scoring import evaluate  # noqa: E402

TARGETS = {"load_all_ms": 300.0, "evaluate_ms": 2.0}


def load_all() -> Catalog:
    _loader._measures_cache.clear()  # fresh: no cached measures either
    return Catalog.from_dirs([ROOT / "questionnaires"])


def big_answers() -> dict:
    relaties = ["subsidie", "opdrachten", "geen", "vergunningen", "geen"]
    answers = {
        "ingezetene": True, "kiesgerechtigd": True, "ambt_elders": False, "vog_aangevraagd": True,
        "vog_datum": "2026-01-10", "strafbare_feiten": False, "bibob_toezicht": False,
        "heeft_nevenfuncties": True,
        "nevenfuncties": [
            {"omschrijving": f"Bestuurslid {i}", "organisatie": f"Stichting {{Nummer}} {i}",
             "kvk": f"{10000000 + i}", "betaald": i % 2 == 0,
             **({"bedrag_per_jaar": f"{1000 * i}.00"} if i % 2 == 0 else {}),
             "qq": False, "relatie_overheid": [relaties[i % 5]], "behouden": i % 3 == 0,
             **({"uren_per_maand": 4} if i % 3 == 0 else {})}
            for i in range(25)
        ],
        "heeft_ondernemingen": True,
        "ondernemingen": [
            {"naam": f"Onderneming {i} BV", "kvk": f"{20000000 + i}", "rechtsvorm": "bv",
             "belang_percentage": (i * 7) % 101, "zaken_met_overheid": i % 4 == 0}
            for i in range(15)
        ],
        "effecten_boven_drempel": True, "heeft_onroerend_goed": False, "ontwikkelgebied": False,
        "leningen": False, "procedures_overheid": False, "partner_belangen": True,
        "levert_aan_overheid": False, "kent_gedragscode": True, "overige_feiten": False,
        "toestemming_privacy": True, "tijdsbesteding": "voltijd",
    }
    return answers


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    load_ms = median_ms(load_all, 9)
    catalog = load_all()
    q = catalog.get("kandidaat-wethouder")
    answers = big_answers()
    today = date(2026, 3, 1)
    result = evaluate(q, answers, today=today)
    evaluate_ms = median_ms(lambda: evaluate(q, answers, today=today), 300)
    n_questionnaires = len(catalog.all())
    print(f"load+validate {n_questionnaires} questionnaires + measures: median {load_ms:.1f} ms "
          f"(target <= {TARGETS['load_all_ms']:.0f} ms)")
    print(f"evaluate kandidaat-wethouder, 25 nevenfuncties + 15 ondernemingen "
          f"({len(result.findings)} findings): median {evaluate_ms:.3f} ms "
          f"(target <= {TARGETS['evaluate_ms']:.0f} ms)")
    ok = load_ms <= TARGETS["load_all_ms"] and evaluate_ms <= TARGETS["evaluate_ms"]
    print(json.dumps({
        "load_all_ms": round(load_ms, 2), "evaluate_ms": round(evaluate_ms, 4),
        "questionnaires": n_questionnaires, "findings": len(result.findings),
        "measures": len(load_measures()), "targets": TARGETS, "ok": ok,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
