"""A fake MiniMax video API (v1 flow) for tests.

In-process::

    fake = MiniMaxFake()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(create_app(fake)),
                             base_url="http://minimax.test")

On a real socket: ``with serve_in_thread(create_app(fake)) as base_url: ...`` (from
``tests.support.servers``), and point the deployment's ``base_url`` at it. Set
``fake.scenario`` to one of ``SCENARIOS``; ``fake.requests`` records every call.

Not emulated: the ``callback_url`` challenge (a create carrying one fails, as it does
upstream when the challenge is not echoed) and fetching image URLs (accepted unread).
"""

from tests.fakes.minimax.app import create_app
from tests.fakes.minimax.state import SCENARIOS, FakeTask, MiniMaxFake, Recorded

__all__ = ["SCENARIOS", "FakeTask", "MiniMaxFake", "Recorded", "create_app"]
