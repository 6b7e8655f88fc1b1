"""gunicorn settings for integrity_tool (read automatically when gunicorn starts in this folder;
elsewhere pass ``-c /path/to/gunicorn.conf.py``). Command-line options override these values.

    gunicorn 'integrity_tool:create_app()'            # 2 workers × 4 threads on 127.0.0.1:8000
"""
import os

bind = os.environ.get("INTEGRITY_TOOL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("INTEGRITY_TOOL_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("INTEGRITY_TOOL_THREADS", "4"))
timeout = 120          # a sign-off renders and signs two PDFs; never kill a worker in the middle of one
graceful_timeout = 30
keepalive = 5
# gunicorn 27 opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl): several app
# servers on one machine (tests, a second server, a load bench) would take it from each other. Not used here.
control_socket_disable = True
accesslog = "-"
# Access log without query strings, and with activation tokens in paths masked (see logger_class):
# tokens and search terms stay out of the logs.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
logger_class = "integrity_tool.logging_redact.RedactingLogger"


def post_worker_init(worker):
    """Before serving: warm up PDF rendering and signing (imports, fonts, pyHanko set-up) in this
    worker and start its report processes (``REPORT_PROCESSES``), so no sign-off pays for that."""
    from integrity_tool import render_pool

    try:
        processes = int(getattr(worker.wsgi, "config", {}).get("REPORT_PROCESSES") or 0)
        if processes:
            render_pool.start(processes)
        else:
            render_pool.warm_up()
    except Exception:  # never keep a worker from serving because the warm-up failed
        worker.log.exception("warm-up of PDF rendering and signing failed; continuing")
    # Everything loaded so far (app, questionnaires, templates, reportlab) lives as long as the worker:
    # keep it out of the garbage collector's full collections, which otherwise stop all threads for
    # up to ~0.1 s under load.
    import gc

    gc.collect()
    gc.freeze()


def worker_exit(server, worker):
    from integrity_tool import render_pool

    render_pool.shutdown()
