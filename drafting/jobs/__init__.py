"""Background jobs: PDF exports that run outside the request.

A job row (:class:`~drafting.jobs.models.ExportJobRecord`) is the shared truth:
any app instance can show its progress and serve its result. The work itself
is queued in :mod:`drafting.jobs.queue` — a thread pool in the web process by
default, an RQ queue on Redis when ``REDIS_URL`` is set — and done by
:func:`drafting.jobs.tasks.run_export_job`.
"""
