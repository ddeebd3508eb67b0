"""The WSGI entry point: `gunicorn wsgi:app`.

With ``HEADWAY_INPROCESS_WORKER`` set (``make run``), this process also runs the job
workers (``app/jobs.py``); they stop at exit, handing any running job back to the queue. Each process that
imports this module runs its own: load the app in each worker (gunicorn's default), not
before forking (``--preload``), since threads do not survive a fork.
"""

import atexit

from app import create_app
from app.jobs import start_workers

app = create_app()

if app.config["INPROCESS_WORKER"]:
    atexit.register(start_workers(app).stop)
