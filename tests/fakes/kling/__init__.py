"""A fake of Kling's official API (global region), for unit and end-to-end tests.

See ``state.KlingFake`` for the knobs, ``scenarios`` for the named failure scenarios and
``app.create_app`` for how to mount it.
"""

from tests.fakes.kling.app import create_app, result_mp4
from tests.fakes.kling.scenarios import INJECTIONS, TASK_FAILURES
from tests.fakes.kling.state import FakeTask, KlingFake, RecordedRequest

__all__ = [
    "INJECTIONS",
    "TASK_FAILURES",
    "FakeTask",
    "KlingFake",
    "RecordedRequest",
    "create_app",
    "result_mp4",
]
