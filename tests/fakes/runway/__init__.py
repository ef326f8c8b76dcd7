"""A fake Runway developer API (image_to_video, tasks) for tests.

In-process::

    fake = RunwayFake()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(create_app(fake)),
                             base_url="http://runway.test")

On a real socket: ``with serve_in_thread(create_app(fake)) as base_url: ...`` (from
``tests.support.servers``), and point the deployment's ``base_url`` at it. Set
``fake.scenario`` to one of ``SCENARIOS``; ``fake.requests`` records every call.

Not emulated: fetching image URLs (their form is checked, the image is not read), HEAD /
redirect / Content-Type rules of Runway's fetcher, and ``contentModeration`` semantics.
"""

from tests.fakes.runway.app import create_app
from tests.fakes.runway.state import SCENARIOS, Recorded, RunwayFake, RunwayTask

__all__ = ["SCENARIOS", "Recorded", "RunwayFake", "RunwayTask", "create_app"]
