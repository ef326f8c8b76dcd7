"""Auto-paging over ``after`` / ``has_more`` / ``last_id``, against a fake list endpoint."""

from __future__ import annotations

import httpx

from tests.unit.client.fakes import async_client, sync_client, video

IDS = [f"video_{n}" for n in range(5)]


class ListEndpoint:
    """``GET /v1/videos`` over five videos, newest first; records each query."""

    def __init__(self, ids: list[str] = IDS, last_page_says_more: bool = False) -> None:
        self.ids = ids
        self.queries: list[dict[str, str]] = []
        self.last_page_says_more = last_page_says_more

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        self.queries.append(query)
        limit = int(query.get("limit", "20"))
        start = self.ids.index(query["after"]) + 1 if "after" in query else 0
        chunk = self.ids[start : start + limit]
        more = start + limit < len(self.ids) or self.last_page_says_more
        return httpx.Response(
            200,
            json={
                "object": "list",
                "data": [video(i) for i in chunk],
                "first_id": chunk[0] if chunk else None,
                "last_id": chunk[-1] if chunk else None,
                "has_more": more,
            },
        )


def test_iterating_fetches_every_page_after_the_last_id() -> None:
    endpoint = ListEndpoint()
    with sync_client(endpoint) as client:
        ids = [v.id for v in client.videos.list(limit=2, order="desc")]
    assert ids == IDS
    assert endpoint.queries == [
        {"limit": "2", "order": "desc"},
        {"limit": "2", "order": "desc", "after": "video_1"},
        {"limit": "2", "order": "desc", "after": "video_3"},
    ]


def test_pages_and_the_first_page() -> None:
    with sync_client(ListEndpoint()) as client:
        pages = client.videos.list(limit=2)
        first = pages.first_page()
        sizes = [len(page.data) for page in pages.iter_pages()]
    assert [v.id for v in first.data] == IDS[:2] and first.has_more
    assert sizes == [2, 2, 1]


def test_paging_starts_after_the_given_cursor() -> None:
    with sync_client(ListEndpoint()) as client:
        assert [v.id for v in client.videos.list(after="video_2")] == IDS[3:]


def test_an_empty_page_ends_the_iteration_even_if_it_says_more() -> None:
    endpoint = ListEndpoint(last_page_says_more=True)
    with sync_client(endpoint) as client:
        assert [v.id for v in client.videos.list(limit=5)] == IDS
    assert len(endpoint.queries) == 2  # the second page is empty: stop


async def test_async_iteration_pages_the_same_way() -> None:
    endpoint = ListEndpoint()
    async with async_client(endpoint) as client:
        ids = [v.id async for v in client.videos.list(limit=2)]
        first = await client.videos.list(limit=3).first_page()
        sizes = [len(p.data) async for p in client.videos.list(limit=3).iter_pages()]
    assert ids == IDS
    assert [v.id for v in first.data] == IDS[:3]
    assert sizes == [3, 2]
