"""``manage.py run_worker``: django_tasks_db's ``db_worker`` that survives database restarts.

``db_worker`` exits on any ``OperationalError`` but "database is locked" (a PostgreSQL restart
ends it for good). This command runs the same worker loop, with the same options, and on a lost
database closes the connections, waits (1 s, doubling up to ``MAX_BACKOFF`` seconds; back to 1 s
after a minute of health) and takes up its loop again. A supervisor (systemd) still restarts it
if the process itself dies. It never autoreloads (``--reload`` is ignored: the reloader runs
the loop in a thread where a lost database would end it silently).
"""

import contextlib
import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("forumhall.worker")

MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0


class Command(db_worker.Command):
    help = "Run the database task worker; reconnect with back-off when the database is lost"

    def handle(self, *args, **options):
        options["reload"] = False
        backoff = 1.0
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > HEALTHY_AFTER:
                    backoff = 1.0
                logger.warning("Database lost (%s); the worker retries in %.0f s", error, backoff)
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(OperationalError, InterfaceError):
                        connection.close()
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
