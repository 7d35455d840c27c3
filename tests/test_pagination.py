"""Lists paged by their own keyset (kit/pagination.py) answer what fastapi-pagination and
sqlakeyset answered: the same items and the same cursors, forwards and backwards."""

import pytest

from gtpptppo_api.kit import pagination
from tests.cases.helpers import case_body, create_centre


async def walk(client, path, headers):
    """Three pages forwards, then back by ``previous_cursor``, and the current page again
    from its cursors: every answer's JSON."""
    pages = [(await client.get(path, params={"limit": 3}, headers=headers)).json()]
    for _ in range(2):
        cursor = pages[-1]["next_cursor"]
        params = {"limit": 3, "cursor": cursor}
        pages.append((await client.get(path, params=params, headers=headers)).json())
    for key in ("previous_cursor", "current_page", "current_page_backwards"):
        params = {"limit": 3, "cursor": pages[-1][key]}
        pages.append((await client.get(path, params=params, headers=headers)).json())
    return pages


@pytest.mark.parametrize("path", ["/regions", "/cases"])
async def test_keyset_pages_are_the_libraries_pages(client, national, path, monkeypatch):
    """An ORM entity list (regions) and a list of columns (cases, by a UUID key)."""
    centre = await create_centre(client, national, "33.02")
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch",
        json=[case_body(f"P-{number}") for number in range(8)],
        headers=national,
    )
    assert response.json()["created"] == 8, response.text
    ours = await walk(client, path, national)
    monkeypatch.setattr(pagination, "_plain_order", lambda _query: False)
    theirs = await walk(client, path, national)
    assert ours == theirs
    assert all(page["items"] for page in ours)
    assert ours[3]["items"] == ours[1]["items"]  # back one page
