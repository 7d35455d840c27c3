"""The request's session: committed when the handler succeeds, rolled back otherwise.

Services never commit; they ``flush()`` when they need generated ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.jobs import dispatch_after_commit


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker = request.app.state.sessionmaker
    async with sessionmaker() as session:
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
