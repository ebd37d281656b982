"""Background jobs: requested through GraphQL, queued in PostgreSQL, run by a worker as the requester.

Plugins name their job kinds through ``switchboard_job_handlers``; a handler is an
``async`` function of a :class:`~switchboard.core.jobs.worker.JobContext`.
"""
