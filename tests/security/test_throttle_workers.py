"""The 6th wrong password within a minute is refused across gunicorn workers (ASVS 6.3.1).

Three sync workers behind one port; the throttle counters must be shared: in the database
(SQLite here) or in Redis when REDIS_URL is set. A per-process counter would let 3 × 5 tries through.
"""
from __future__ import annotations

import socket
import time
import uuid

import pytest

from tests.security.server_utils import Browser, Gunicorn, instance_env, setup_instance

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_sixth_bad_login_is_429_across_workers(tmp_path, backend):
    extra = {}
    if backend == "redis":
        if not _redis_available():
            pytest.skip("no Redis on 127.0.0.1:6379")
        extra["REDIS_URL"] = REDIS_URL
        # a prefix of this run's own: another run on the same Redis (CI beside a developer's run) never
        # shares or clears its counters
        extra["INTEGRITY_TOOL_REDIS_PREFIX"] = prefix = f"it-test-{uuid.uuid4().hex[:12]}:"
    instance = tmp_path / "instance"
    env = instance_env(instance, **extra)
    facts = setup_instance(instance, env)
    email = facts["reviewer"]["email"]
    with Gunicorn(env, workers=3, log=tmp_path / "gunicorn.log") as server:
        assert len(server.worker_pids()) == 3
        statuses = []
        hogs = []
        for i in range(6):
            # Spread the attempts over the workers: keep the last-used worker(s) busy in turn.
            if i % 3:
                hogs.append(server.hog())
            else:
                for h in hogs:
                    h.close()
                hogs = []
                time.sleep(0.2)
            b = Browser(server.base)
            status, _, html = b.post_form("/inloggen", {"email": email, "password": "fout wachtwoord 123"})
            statuses.append(status)
        for h in hogs:
            h.close()
        assert statuses[:5] == [200] * 5, statuses
        assert statuses[5] == 429, (statuses, server.tail())
        served_by = server.access_pids("POST", "/inloggen")
        assert len(set(served_by)) >= 2, f"attempts were not spread over workers: {served_by}"
        # Even the right password is refused while throttled.
        status, _, html = Browser(server.base).post_form(
            "/inloggen", {"email": email, "password": facts["reviewer"]["password"]})
        assert status == 429
        assert "Te veel mislukte pogingen" in html
        # Another account from the same IP is not yet blocked (per-IP limit is higher).
        status, _, _ = Browser(server.base).post_form(
            "/inloggen", {"email": facts["candidate"]["email"], "password": facts["candidate"]["password"]})
        assert status == 302
    if backend == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        assert keys and all(k.decode().startswith(prefix + "throttle:") for k in keys)  # the counters were there
        client.delete(*keys)
