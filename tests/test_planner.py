"""``by_index`` leaves a failing statement's own error to surface, not a follow-up one."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.db.planner import by_index


async def test_an_error_inside_is_the_error_raised(session: AsyncSession) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with by_index(session):
            await session.execute(text("SELECT * FROM no_such_table"))
    # the table's absence, not "current transaction is aborted" from restoring the setting
    assert "no_such_table" in str(raised.value)
    assert "aborted" not in str(raised.value)
