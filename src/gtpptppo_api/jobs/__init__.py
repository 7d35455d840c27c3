"""Background jobs that are never lost: the job table is an outbox.

How a job travels:

1. **Enqueue, in the caller's transaction.** A service calls
   ``await jobs.enqueue(session, "reports.generate", {"report_id": 7})``: a ``job`` row
   (status ``pending``, the payload holds ids only) is written in the same transaction as the
   change that causes it, and its id is noted in ``session.info``. Nothing is sent yet.
2. **Send after commit.** The request's session dependency (``db.session.get_session``)
   commits, then calls ``jobs.dispatch_after_commit(session)``, which sends one Dramatiq
   message per job carrying only the job id. A rollback sends nothing (and leaves no row). A
   send that fails is only logged: the row is committed, and step 5 sends it.
3. **Claim.** The actor named after the job kind (one per ``@job_handler``) claims the job
   with a conditional UPDATE in its own committed transaction: ``pending``, or ``running``
   with an expired lease, and attempts left -> ``running``, ``lease_until``, ``attempts + 1``.
   If no row matches (finished, or another worker holds it) the message is dropped, so a
   duplicate message does nothing.
4. **Run and finish together.** The handler runs in a new transaction, and ``done`` is set in
   that same transaction, conditioned on the claim still being this worker's; its output and
   its status commit or roll back as one. Meanwhile (PostgreSQL) the lease is renewed every
   third of ``GTPPTPPO_JOB_LEASE_SECONDS``, so a run may last up to
   ``GTPPTPPO_JOB_TIME_LIMIT_SECONDS`` (on SQLite the job holds the write lock, so no
   other worker can claim it meanwhile). On an
   exception, or a run stopped at its limit, the transaction rolls back and a new one records
   the error: ``pending`` again (Dramatiq retries the message with exponential backoff) or,
   after ``max_attempts``, ``failed`` - visible through the API that owns the job.
5. **Reconcile.** Each worker (the embedded one, each ``gtpptppo worker`` process) re-sends,
   at start-up and every ``GTPPTPPO_JOB_RECONCILE_SECONDS``, the pending jobs whose message
   is older than ``GTPPTPPO_JOB_RESEND_AFTER_SECONDS`` and the running jobs whose lease
   expired (their worker died); running jobs whose lease expired on their last attempt become
   ``failed``. Several reconcilers at once are safe: the claim decides who runs a job.

So a job is lost by no crash: not of the API between commit and send (step 5 sends it), not
of the broker (step 5), not of a worker mid-job (its lease expires; step 5; another worker
claims it and the dead worker's uncommitted work is gone with its transaction).

Deployment (``GTPPTPPO_BROKER_URL``): unset - embedded mode, a ``StubBroker`` and a worker
inside the API process (``gtpptppo serve``); pending jobs resume when the process restarts,
because the start-up reconcile sends them all again. ``amqp://...`` - RabbitMQ with publisher
confirms; ``redis://...`` - Redis; the API processes only send, and ``gtpptppo worker``
(``dramatiq workers.run``) runs the actors.

Writing a job kind, in ``<domain>/tasks.py`` (imported by every process that runs jobs)::

    @job_handler("reports.generate", max_attempts=5)
    async def generate(session: AsyncSession, job: Job) -> None:
        report = await session.get(Report, job.payload["report_id"])
        ...  # flush, never commit; safe to run again after a crash

Tests whose data lives in one rolled-back transaction run jobs with
``await jobs.run_pending(session)`` (the same claim / handler / done steps, in that session).
"""

from gtpptppo_api.db.after_commit import dispatch_after_commit
from gtpptppo_api.jobs.models import Job, JobStatus
from gtpptppo_api.jobs.registry import job_handler
from gtpptppo_api.jobs.runner import run_pending
from gtpptppo_api.jobs.service import enqueue, get

__all__ = [
    "Job",
    "JobStatus",
    "dispatch_after_commit",
    "enqueue",
    "get",
    "job_handler",
    "run_pending",
]
