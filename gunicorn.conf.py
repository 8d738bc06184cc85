"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app`.

Every value can be overridden by the environment (GUNICORN_*).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# PDF export runs in its own worker processes, never in a web worker, so
# requests stay short; 60 s covers a large evidence upload on a slow line.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# The app is imported once in the master and forked: five workers start in
# about the time of one, and a recycled worker (max_requests) is cheap.
# Nothing opens a connection or a process at import: the database pool is
# reset in each worker below, the export pool and the job threads start on
# first use, and redis-py reconnects after a fork by itself.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"


def post_fork(server, worker):
    """Each worker gets its own database connections, never the master's."""
    if not server.cfg.preload_app:
        return
    app = server.app.wsgi()  # loaded in the master already
    db = app.extensions.get("sqlalchemy")
    if db is not None:
        with app.app_context():
            db.engine.dispose(close=False)


# Recycle workers now and then, so memory cannot creep up for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app logs every request as a JSON line with its request id
# (drafting.core.logs); gunicorn's own lines are JSON too, so that every
# line of the log parses the same way.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "drafting.core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    # The app's "drafting" logger has its own JSON handler; root gets none, so nothing is logged twice.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
