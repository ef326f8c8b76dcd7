"""A fake of Google Veo 2 on the Gemini API and on Vertex AI, for unit and end-to-end tests.

See ``state.GoogleFake`` for the knobs, ``scenarios`` for the named scenarios and
``app.create_app`` for how to mount it.
"""

from tests.fakes.google.app import create_app
from tests.fakes.google.media import result_mp4
from tests.fakes.google.scenarios import INJECTIONS, OUTCOMES
from tests.fakes.google.state import MODEL, FakeOperation, GoogleFake, RecordedRequest

__all__ = [
    "INJECTIONS",
    "MODEL",
    "OUTCOMES",
    "FakeOperation",
    "GoogleFake",
    "RecordedRequest",
    "create_app",
    "result_mp4",
]
