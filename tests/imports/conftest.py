from __future__ import annotations

import pytest

from tests.cases.helpers import create_centre


@pytest.fixture(autouse=True)
def worker_keys(worker_settings: None) -> None:
    """The job handler reads the process's settings: the same keys and key store as the
    test app's."""


@pytest.fixture
async def centre(client, national):
    return await create_centre(client, national)


@pytest.fixture
async def centre_auth(auth, centre):
    return await auth("service_centre", centre=centre["id"])
