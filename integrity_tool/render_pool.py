"""Render and sign reports outside the web worker's interpreter.

Rendering a report with reportlab and signing it with pyHanko is pure Python: about 100 ms of CPU
per sign-off, holding the GIL. In a threaded gunicorn worker that stalls every other request the
worker is serving. With ``REPORT_PROCESSES = N`` (N > 0) the work runs in a pool of N spawned
processes per web worker, each warmed up once (imports, fonts, pyHanko set-up), and the web
thread only waits for the bytes. ``REPORT_PROCESSES = 0`` (the default in development and tests)
renders in the calling thread.

A pool process that dies (killed, out of memory) breaks the pool: the job is then done in-process
once and a fresh pool is started for the next one, so a sign-off never fails because of the pool.

This is the one module that joins ``pdf`` (rendering) and ``signing`` (which knows no layout: the
stamp's box comes from ``pdf.styles`` here), and so also the home of ``warm_up``.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import signing
from .pdf import render_confidential, render_summary
from .pdf.sample import sample_report_data
from .pdf.styles import SIGNATURE_BOX

log = logging.getLogger(__name__)

JOB_TIMEOUT = 120  # seconds; gunicorn's worker timeout is the same

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_pid = 0


@dataclass(frozen=True)
class SignJob:
    """Everything one document needs; plain data, so it crosses the process boundary."""

    kind: str  # "vertrouwelijk" | "samenvatting"
    data: object  # integrity_tool.pdf.ReportData
    p12_path: str  # a PKCS#12 file, or "" when p12_data holds it (the organisation's material from the database)
    passphrase: bytes
    signer_name: str
    reason: str
    location: str
    timestamp_url: str | None = None
    p12_data: bytes = b""


def render_and_sign(job: SignJob) -> bytes:
    """Render the document and certify it (runs in a pool process or in the caller)."""
    render = render_confidential if job.kind == "vertrouwelijk" else render_summary
    return signing.sign_pdf(render(job.data), job.p12_data or Path(job.p12_path), job.passphrase, signer_name=job.signer_name,
                            reason=job.reason, location=job.location, timestamp_url=job.timestamp_url,
                            box=SIGNATURE_BOX, language=getattr(job.data, "language", "nl"))


def _pool_job(job: SignJob) -> bytes:
    """The entry point in a pool process (a name of its own, so tests may patch render_and_sign)."""
    return render_and_sign(job)


_warm_lock = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Pay the one-off costs of the first sign-off now instead of in a request.

    The first render + sign in a fresh process imports reportlab's platypus and pyHanko (about a
    second of CPU, holding the GIL), registers the TrueType fonts and runs many first-use set-ups.
    Called once per pool process, or per worker process at start-up (gunicorn ``post_worker_init``):
    it renders the sample dossier and signs it with a throw-away in-memory key, touching no key
    material or files. Idempotent and thread-safe.
    """
    global _warmed
    if _warmed:
        return
    with _warm_lock:
        if _warmed:
            return
        data = sample_report_data()
        signing.sign_throwaway((render_confidential(data), render_summary(data)), box=SIGNATURE_BOX)
        _warmed = True


def _initializer() -> None:
    warm_up()


def _get_pool(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size, _pool_pid
    with _lock:
        # A pool belongs to the process that made it (gunicorn forks workers after loading the app).
        if _pool is None or _pool_size != size or _pool_pid != os.getpid():
            _pool = ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_initializer)
            _pool_size, _pool_pid = size, os.getpid()
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def start(size: int) -> None:
    """Start the pool now and wait until its processes are warm (gunicorn ``post_worker_init``)."""
    if size > 0:
        pool = _get_pool(size)
        for future in [pool.submit(_initializer) for _ in range(size)]:
            future.result(timeout=JOB_TIMEOUT)


def shutdown() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def run(jobs: Iterable[SignJob], processes: int) -> list[bytes]:
    """Signed PDF bytes for each job, in order. With a pool, each job is submitted as soon as it is
    built (``jobs`` may be a generator), so building the next one overlaps with rendering this one."""
    if processes <= 0:
        return [render_and_sign(job) for job in jobs]
    pool = _get_pool(processes)
    jobs = iter(jobs)
    built: list[SignJob] = []
    try:
        futures = []
        for job in jobs:
            built.append(job)
            futures.append(pool.submit(_pool_job, job))
        return [future.result(timeout=JOB_TIMEOUT) for future in futures]
    except BrokenProcessPool:
        log.warning("report pool broke (a process died); rendering in-process and starting a new pool")
        _discard(pool)
        built.extend(jobs)  # those not built yet, if it broke while submitting
        return [render_and_sign(job) for job in built]


__all__ = ["SignJob", "render_and_sign", "run", "start", "shutdown", "warm_up"]
