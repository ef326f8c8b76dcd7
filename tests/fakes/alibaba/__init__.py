"""A fake of Alibaba Cloud DashScope (Wan 2.1 text-to-video), for unit and end-to-end tests.

See ``state.AlibabaFake`` for the knobs, ``scenarios`` for the named scenarios and
``app.create_app`` for how to mount it.
"""

from tests.fakes.alibaba.app import create_app, result_mp4
from tests.fakes.alibaba.scenarios import INJECTIONS, TASK_OUTCOMES
from tests.fakes.alibaba.state import AlibabaFake, FakeTask, RecordedRequest

__all__ = [
    "INJECTIONS",
    "TASK_OUTCOMES",
    "AlibabaFake",
    "FakeTask",
    "RecordedRequest",
    "create_app",
    "result_mp4",
]
