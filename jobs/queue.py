"""The job queue (procrastinate, kept in this database) and its tasks.

Jobs are rows of ``procrastinate_jobs``: a deferred job, scheduled or not, survives a restart of
the worker and of the database. A job a worker has taken is marked ``doing`` in the database
before it runs and is never handed out again, so a worker killed mid-job does not run it twice
(at most once); the sends inside keep their own at-most-once state (geodata/notify/outbox.py).

Tasks:
- ``notify_tick``: the scan of reminders, urges and escalations up to a time, then the sends due
  by it. Deferred every minute by the worker (``GRIDOPS_JOBS_PERIODIC``); ``at`` (ISO time) runs it
  as of another time (a test's clock, or catching up).
- ``camera_sweep``: cameras not heard from turn offline (geodata/cameras/status.py), every minute.
- ``jobs_prune``: daily, succeeded jobs older than three days are deleted.
- ``assessment_close_month``: monthly (01:30 on the 1st), the previous month's assessment is closed
  and kept (geodata/assessment/history.py), unless it is closed already; then that month's
  reports (月考季评: geodata/reports/) not made yet are made and kept, in the same job.

The worker connects as the app role over psycopg 3 (procrastinate's driver); the tasks do their
work through GridOps's own pool (psycopg2), in the whole territory's scope.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import cache

from procrastinate import App, PsycopgConnector

from geodata.db import Database
from settings import get_settings

log = logging.getLogger(__name__)
QUEUE = "gridops"
PRUNE_HOURS = 72  # succeeded jobs are kept this long (two every minute: about 8,600)

# The app and its connector, on the configured database (read when this module is imported).
app = App(
    connector=PsycopgConnector(conninfo=get_settings().app_dsn(), kwargs={"application_name": "gridops jobs"}),
    import_paths=["jobs.queue"],
)


def connect() -> App:
    """The app, to open (``app.open()`` to defer jobs) or to run a worker with."""
    return app


@cache
def _db() -> Database:
    settings = get_settings()
    return Database(settings.app_dsn(), scoped=True, default_scope=("all", 0))


def _when(at: str | None) -> datetime:
    return datetime.fromisoformat(at) if at else datetime.now(UTC)


@app.task(name="notify_tick", queue=QUEUE)
def notify_tick(at: str | None = None) -> dict:
    """Scan up to ``at`` (default now), then send what is due by then."""
    from geodata.notify import outbox, scan

    now = _when(at)
    db = _db()
    settled = outbox.settle_stale(db, now)
    counts = scan.run(db, now)
    sent = outbox.send_due(db, now)
    summary = {**counts, "messages": len(sent), "settled": settled}
    if any(summary.values()):
        log.info("notify tick at %s: %s", now.isoformat(), summary)
    return summary


@app.task(name="camera_sweep", queue=QUEUE)
def camera_sweep(at: str | None = None) -> dict:
    """Cameras not heard from for GRIDOPS_CAMERA_STALE_MINUTES turn offline."""
    from geodata.cameras import status

    return status.sweep(_db(), _when(at) if at else None)


if get_settings().jobs_periodic:

    @app.periodic(cron="* * * * *", periodic_id="minute")
    @app.task(name="notify_tick_minute", queue=QUEUE, queueing_lock="notify_tick_minute")
    def notify_tick_minute(timestamp: int) -> dict:
        return notify_tick(datetime.fromtimestamp(timestamp, UTC).isoformat())

    @app.periodic(cron="* * * * *", periodic_id="minute")
    @app.task(name="camera_sweep_minute", queue=QUEUE, queueing_lock="camera_sweep_minute")
    def camera_sweep_minute(timestamp: int) -> dict:
        return camera_sweep(datetime.fromtimestamp(timestamp, UTC).isoformat())

    @app.periodic(cron="17 3 * * *", periodic_id="daily")
    @app.task(name="jobs_prune", queue=QUEUE, pass_context=True)
    async def jobs_prune(context, timestamp: int) -> None:
        """Succeeded jobs older than three days leave the queue's tables (failed ones stay)."""
        await context.app.job_manager.delete_old_jobs(nb_hours=PRUNE_HOURS, queue=QUEUE)

    @app.periodic(cron="47 2 * * *", periodic_id="daily")
    @app.task(name="cases_partitions_ahead", queue=QUEUE, queueing_lock="cases_partitions_ahead")
    def cases_partitions_ahead(timestamp: int) -> int:
        """The months of cases ahead of time (geodata/cases/partitions.py); 0 on most days."""
        from geodata.cases import partitions

        return partitions.ahead(_db(), datetime.fromtimestamp(timestamp, UTC))

    @app.periodic(cron="30 1 1 * *", periodic_id="monthly")
    @app.task(name="assessment_close_month", queue=QUEUE, queueing_lock="assessment_close_month")
    def assessment_close_month(timestamp: int) -> str | None:
        """Close the previous month's assessment (skipped when it is closed already), then make its
        reports not made yet (every subject's workbook and PDF)."""
        from geodata.assessment import history
        from geodata.reports import store

        now = datetime.fromtimestamp(timestamp, UTC)
        closed = history.close_previous(_db(), now)
        label = history.previous_month(now)
        made = store.generate_unmade(_db(), label, "jobs")
        log.info("assessment %s: %s, %d reports made", label, "closed" if closed else "closed already", made)
        return closed


CONCURRENCY = 2  # a long job (a month's close) leaves a slot for the minute's tick and sweep


def run_worker() -> None:
    """Run the worker until SIGINT/SIGTERM (procrastinate finishes the jobs in hand first). Two jobs
    run at once: the scans take a row lock and the sends skip locked messages, so two ticks never
    do the same work."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    connect().run_worker(queues=[QUEUE], concurrency=CONCURRENCY, wait=True, name="gridops")
