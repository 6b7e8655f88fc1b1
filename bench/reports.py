"""Benchmark: heavy confidential report, build + PAdES sign in a warm process; plus a realistic
sign-off (a normal dossier: render the confidential report and the summary, sign both).

Usage: python bench/reports.py [--rounds N]
Prints pages, bytes, median build and signing time, the sign-off time and peak memory growth; the
last line is one JSON object with the figures, the targets and "ok".
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import io
import json
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from integrity_tool.pdf import render_confidential, render_summary  # noqa: E402
from integrity_tool.pdf.sample import sample_report_data  # noqa: E402
from integrity_tool.pdf.styles import SIGNATURE_BOX  # noqa: E402
from integrity_tool.signing import ensure_org_pki, sign_pdf, verify_pdf  # noqa: E402

TARGET_MS = 250.0
TARGET_SIGNOFF_MS = 150.0  # normal dossier: both documents rendered and signed
TARGET_MEM_MB = 100.0
PASS = b"bench-passphrase"


def _sign(pdf: bytes, pki) -> bytes:
    return sign_pdf(pdf, pki.p12_path, PASS, signer_name="Bert Bakker, burgemeester",
                    reason="Bekrachtiging risicoanalyse integriteit", location="Sneek", box=SIGNATURE_BOX)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    rounds = max(args.rounds, 15)
    data = sample_report_data(heavy=True)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_org_pki(Path(tmp), "bench", "Gemeente Benchmark", PASS)
        # warm-up: imports, font registration, signer loading, QR cache
        pdf = render_confidential(data)
        signed = _sign(pdf, pki)
        assert verify_pdf(signed, [pki.ca_cert_pem]).ok
        render_summary(data)

        build, sign, total = [], [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            pdf = render_confidential(data)
            t1 = time.perf_counter()
            signed = _sign(pdf, pki)
            t2 = time.perf_counter()
            build.append((t1 - t0) * 1000)
            sign.append((t2 - t1) * 1000)
            total.append((t2 - t0) * 1000)

        gc.collect()
        tracemalloc.start()
        base, _ = tracemalloc.get_traced_memory()
        _sign(render_confidential(data), pki)
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        mem_mb = (peak - base) / 1e6

        normal = sample_report_data()
        signoff = []
        for i in range(rounds + 3):
            # every sign-off is a new dossier: own document numbers, so own (uncached) QR codes
            number = f"RI-2026-{900000 + i:06d}"
            conf = dataclasses.replace(normal, document_number=f"{number}-V",
                                       verify_url=f"https://integriteit.example.nl/verificatie?nr={number}-V")
            summ = dataclasses.replace(normal, document_number=f"{number}-S",
                                       verify_url=f"https://integriteit.example.nl/verificatie?nr={number}-S")
            t0 = time.perf_counter()
            _sign(render_confidential(conf), pki)
            _sign(render_summary(summ), pki)
            if i >= 3:
                signoff.append((time.perf_counter() - t0) * 1000)

        summary_ms = statistics.median(
            [(lambda t: (render_summary(data), time.perf_counter() - t)[1])(time.perf_counter()) * 1000
             for _ in range(5)])

    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
    mem_mb = max(mem_mb, rss_growth)
    pages = len(PdfReader(io.BytesIO(signed)).pages)
    med_build, med_sign, med_total = (statistics.median(x) for x in (build, sign, total))
    p95_total = sorted(total)[int(0.95 * (len(total) - 1))]
    med_signoff = statistics.median(signoff)
    p95_signoff = sorted(signoff)[int(0.95 * (len(signoff) - 1))]
    print(f"heavy fixture: {len(data.findings)} findings, {len(data.measures)} measures, "
          f"{sum(len(r.rows) for s in data.sections for r in s.repeats)} repeat rows")
    print(f"pages:                {pages}")
    print(f"bytes (signed):       {len(signed)}")
    print(f"build median:         {med_build:.1f} ms")
    print(f"sign median:          {med_sign:.1f} ms")
    print(f"build+sign median:    {med_total:.1f} ms (p95 {p95_total:.1f} ms, {rounds} rounds)")
    print(f"summary build median: {summary_ms:.1f} ms")
    print(f"sign-off (normal dossier, render + sign both documents) median: {med_signoff:.1f} ms "
          f"(p95 {p95_signoff:.1f} ms)")
    print(f"peak memory growth:   {mem_mb:.1f} MB (max of tracemalloc peak and ru_maxrss delta "
          f"{rss_growth:.1f} MB over the whole run)")
    ok = med_total <= TARGET_MS and mem_mb <= TARGET_MEM_MB and med_signoff <= TARGET_SIGNOFF_MS
    print(json.dumps({
        "pages": pages, "bytes": len(signed), "rounds": rounds,
        "build_median_ms": round(med_build, 1), "sign_median_ms": round(med_sign, 1),
        "total_median_ms": round(med_total, 1), "total_p95_ms": round(p95_total, 1),
        "summary_build_median_ms": round(summary_ms, 1), "peak_memory_growth_mb": round(mem_mb, 1),
        "signoff_median_ms": round(med_signoff, 1), "signoff_p95_ms": round(p95_signoff, 1),
        "targets": {"total_median_ms": TARGET_MS, "peak_memory_growth_mb": TARGET_MEM_MB,
                    "signoff_median_ms": TARGET_SIGNOFF_MS},
        "ok": ok,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
