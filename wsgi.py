"""The WSGI entry point: `gunicorn wsgi:app`.

Each process writes the data use it counted (``app/accounts/data_use.py``) every
``DATA_USE_FLUSH_S`` seconds, and what is left at exit.

With ``HEADWAY_INPROCESS_WORKER`` set (``make run``), this process also runs the job
workers (``app/jobs.py``); they stop at exit, handing any running job back to the queue.
Each process that imports this module runs its own: load the app in each worker
(gunicorn's default), not before forking (``--preload``), since threads do not survive a
fork.

Once the app is made, everything it holds for good (modules, the app, its routes and
templates' code) is moved out of the garbage collector's sight (``gc.freeze``): a full
collection walked those ~270,000 objects every thousand requests or so, 0.15 ms a request
on average (measured over the leaders' mix), and none of them is ever garbage.
"""

import atexit
import gc

from app import create_app
from app.accounts.data_use import start_flushing
from app.jobs import start_workers

app = create_app()
atexit.register(start_flushing(app).stop)

if app.config["INPROCESS_WORKER"]:
    atexit.register(start_workers(app).stop)

gc.freeze()
