"""gunicorn config for the kill tests: a TEST-ONLY pause just before COMMIT of a chosen transition.

Used only via ``--config tests/security/gunicorn_fault_hooks.py``; production code is untouched.
Environment: FAULT_HOOK=submit|signoff, FAULT_MARKER=<file>, FAULT_SLEEP=<seconds>.
When the worker's transaction has inserted the Submission (submit) or the Report rows (sign-off),
it writes {"pid": ...} to FAULT_MARKER and sleeps before the COMMIT reaches the database: the
test then SIGKILLs the worker (or lets it continue) and checks the database.
"""
import json
import os
import time

TABLE = {"submit": "INSERT INTO SUBMISSION", "signoff": "INSERT INTO REPORT"}


def post_fork(server, worker):
    hook = os.environ.get("FAULT_HOOK")
    if hook not in TABLE:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    prefix = TABLE[hook]
    marker = os.environ["FAULT_MARKER"]
    seconds = float(os.environ.get("FAULT_SLEEP", "60"))

    @event.listens_for(Engine, "after_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(prefix):
            conn.info["fault_window"] = True

    @event.listens_for(Engine, "commit")
    def _pause(conn):
        if conn.info.pop("fault_window", False):
            with open(marker + ".tmp", "w") as f:
                json.dump({"pid": os.getpid(), "at": time.time()}, f)
            os.replace(marker + ".tmp", marker)
            time.sleep(seconds)
