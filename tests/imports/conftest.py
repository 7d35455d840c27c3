from __future__ import annotations

from collections.abc import Iterator

import pytest

from gtpptppo_api.settings import get_settings
from tests.cases.helpers import create_centre
from tests.conftest import TEST_KEYS


@pytest.fixture(autouse=True)
def worker_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The job handler reads the process's settings: the same keys as the test app's."""
    monkeypatch.setenv("GTPPTPPO_ENCRYPTION_KEY", TEST_KEYS)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def centre(client, national):
    return await create_centre(client, national)


@pytest.fixture
async def centre_auth(auth, centre):
    return await auth("service_centre", centre=centre["id"])
