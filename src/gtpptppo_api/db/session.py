"""The request's session: committed when the handler succeeds, rolled back otherwise.

Services never commit; they ``flush()`` when they need generated ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.jobs import dispatch_after_commit

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

_WITHOUT_TRANSACTION: set[Callable[..., Any]] = set()


def without_transaction(endpoint: Endpoint) -> Endpoint:
    """Mark an endpoint whose session needs no transaction on PostgreSQL: each statement
    commits on its own, and BEGIN and COMMIT, two round trips of every request, are saved.

    Only for endpoints that read and write at most one statement (an audit event), since
    statements no longer commit together; not for a streamed response (its cursor needs a
    transaction) nor for ``db.planner`` (SET LOCAL lasts a transaction). Put it below the
    route decorator. SQLite keeps its transactions.
    """
    _WITHOUT_TRANSACTION.add(endpoint)
    return endpoint


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker = request.app.state.sessionmaker
    async with sessionmaker() as session:
        if (
            request.scope.get("endpoint") in _WITHOUT_TRANSACTION
            and session.get_bind().dialect.name == "postgresql"
        ):
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
            # Jobs enqueued in this transaction: their messages go out now that it committed.
            await dispatch_after_commit(session)


# scope="function": the commit happens before the response is sent, so a client never
# sees a success for a write that did not land.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

# For streamed responses: the session stays open until the last byte is sent.
StreamSessionDep = Annotated[AsyncSession, Depends(get_session)]
