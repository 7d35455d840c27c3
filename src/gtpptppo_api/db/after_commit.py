"""Messages that go out once a transaction has committed: the job outbox's last step.

A job is a row written in the transaction that asks for it (``jobs.enqueue``), which also
remembers it here, on the session. After the commit, the request's session dependency
(``db.session.get_session``) or the worker calls ``dispatch_after_commit``, which hands the
remembered jobs to the process's sender: the broker, once it is started
(``jobs.broker.start``). A rollback forgets them (``discard_unsent``). With no sender in
the process (a test client, a command), sending is left to the reconciler of the workers.

It lives with the session, not in ``jobs``, so that the session need not import the job
machinery, nor the job machinery's modules each other.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

logger = logging.getLogger(__name__)

# session.info key: jobs enqueued in the session's transaction, sent after it commits.
PENDING_KEY = "gtpptppo.jobs.unsent"

# session.info key: what else waits for the transaction's commit (``call_after_commit``).
CALLBACKS_KEY = "gtpptppo.after_commit"

Sender = Callable[[list[tuple[int, str]]], Awaitable[None]]
Callback = Callable[[], Awaitable[object]]

_sender: Sender | None = None


def set_sender(sender: Sender | None) -> None:
    """The process's way to send job messages (``None``: none, the reconciler sends)."""
    global _sender
    _sender = sender


def remember(session: AsyncSession, job_id: int, kind: str) -> None:
    """A job enqueued in ``session``'s transaction, to send once it commits."""
    session.info.setdefault(PENDING_KEY, []).append((job_id, kind))


def call_after_commit(session: AsyncSession, callback: Callback) -> None:
    """``callback`` awaited once ``session``'s transaction has committed (never after a
    rollback); a failure is logged, not raised: the caller's commit stands, and what the
    callback does must be redone by something else should it fail (a sweep)."""
    session.info.setdefault(CALLBACKS_KEY, []).append(callback)


async def dispatch_after_commit(session: AsyncSession) -> None:
    """Send the messages of the jobs enqueued in ``session``'s transaction, just committed.

    A failure to send is logged, never raised: the job rows are committed, and the
    reconciler sends what was not sent. With no broker set up in this process (a test
    client, a command), sending is left to the reconciler of the workers.
    """
    callbacks: list[Callback] = session.info.pop(CALLBACKS_KEY, [])
    for callback in callbacks:
        try:
            await callback()
        except Exception:
            logger.exception("a step after the commit failed; its sweep will redo it")
    unsent: list[tuple[int, str]] = session.info.pop(PENDING_KEY, [])
    if not unsent:
        return
    sender = _sender
    if sender is None:
        logger.debug("no broker in this process; the reconciler will send %s job(s)", len(unsent))
        return
    await sender(unsent)


def discard_unsent(session: AsyncSession | Session) -> None:
    """Forget the jobs enqueued in a transaction that rolled back (there are no rows)."""
    session.info.pop(PENDING_KEY, None)
    session.info.pop(CALLBACKS_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        discard_unsent(session)
