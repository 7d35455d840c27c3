"""The request's session: committed when the handler succeeds, rolled back otherwise.

Services never commit; they ``flush()`` when they need generated ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.db.after_commit import dispatch_after_commit

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

# The endpoints whose session on PostgreSQL runs at another isolation level than the
# default (READ COMMITTED), by the markers below. SQLite keeps its transactions: one writer
# at a time, each begun IMMEDIATE, already reads one snapshot.
_ISOLATION: dict[Callable[..., Any], str] = {}


def without_transaction(endpoint: Endpoint) -> Endpoint:
    """Mark an endpoint whose session needs no transaction on PostgreSQL: each statement
    commits on its own, and BEGIN and COMMIT, two round trips of every request, are saved.

    Only for endpoints that read and write at most one statement (an audit event), since
    statements no longer commit together; not for a streamed response (its cursor needs a
    transaction) nor for ``db.planner`` (SET LOCAL lasts a transaction). Put it below the
    route decorator.
    """
    _ISOLATION[endpoint] = "AUTOCOMMIT"
    return endpoint


def one_snapshot(endpoint: Endpoint) -> Endpoint:
    """Mark an endpoint that answers from several queries which must agree: on PostgreSQL
    its session reads one snapshot (REPEATABLE READ), so a transaction that commits between
    two of its queries is seen by neither. For reads only (a write could then fail to
    serialize). Put it below the route decorator.
    """
    _ISOLATION[endpoint] = "REPEATABLE READ"
    return endpoint


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker = request.app.state.sessionmaker
    async with sessionmaker() as session:
        endpoint = request.scope.get("endpoint")
        level = _ISOLATION.get(endpoint) if endpoint is not None else None
        if level and session.get_bind().dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": level})
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
