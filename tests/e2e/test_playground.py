"""The web playground in a real browser against a real server: pick a model, generate,
watch the status, play the video; the API's errors reach the page; nothing else is fetched."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, FilePayload, Page

from tests.support.browser import chromium_browser
from tests.support.media import png_bytes
from tests.support.server_process import ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCREENSHOTS = Path("/tmp")
TIMEOUT_MS = 60_000

# Records every text the status line shows, so a test can see each state it went through.
RECORD_STATUSES = """
window.statusTexts = [];
new MutationObserver(() => {
  const text = document.getElementById("status")?.textContent;
  if (text && text !== window.statusTexts.at(-1)) window.statusTexts.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
VIDEO_READY = """() => {
  const video = document.getElementById("video");
  return !video.hidden && video.readyState >= 2 && video.videoWidth > 0;
}"""
STATUS = re.compile(r"\b(queued|generating|completed|error)\b")


@dataclass
class Playground:
    page: Page
    server: ServerProcess
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def open(self, key: str) -> None:
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("console", self._console)
        self.page.add_init_script(RECORD_STATUSES)
        self.page.goto(f"{self.server.url}/playground")
        self.page.get_by_label("Bearer key").fill(key)
        self.page.wait_for_selector("#model:not([disabled])")

    def generate(self, model: str, prompt: str, **params: str) -> None:
        self.page.get_by_label("Model", exact=True).select_option(model)
        self.page.get_by_role("textbox", name=re.compile(r"^Prompt")).fill(prompt)
        for name, label in params.items():
            self.page.locator(f"#param-{name}").select_option(label=label)
        self.page.get_by_role("button", name="Generate").click()

    def pick_image(self, width: int, height: int) -> None:
        image = FilePayload(name="frame.png", mimeType="image/png", buffer=png_bytes(width, height))
        self.page.locator("#image").set_input_files(image)

    def wait_for_video(self) -> tuple[int, int]:
        self.page.wait_for_function(VIDEO_READY, timeout=TIMEOUT_MS)
        size: list[int] = self.page.evaluate(
            "() => [document.getElementById('video').videoWidth,"
            " document.getElementById('video').videoHeight]"
        )
        return size[0], size[1]

    def statuses_seen(self) -> list[str]:
        texts: list[str] = self.page.evaluate("() => window.statusTexts")
        found = [m.group(1) for t in texts if (m := STATUS.search(t))]
        return [s for i, s in enumerate(found) if i == 0 or found[i - 1] != s]

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)

    def error_text(self) -> str:
        error = self.page.locator("#error")
        error.wait_for(state="visible", timeout=TIMEOUT_MS)
        return error.inner_text()

    def foreign_requests(self) -> list[str]:
        """Requests to anything but this server (``data:``/``blob:`` stay in the page)."""
        own = urlsplit(self.server.url).netloc
        return [u for u in self.requests if urlsplit(u).netloc not in ("", own)]

    def _console(self, message: ConsoleMessage) -> None:
        # A blocked fetch, script, style or video shows up here as a CSP report.
        if "Content Security Policy" in message.text:
            self.problems.append(message.text)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def playground(browser: Browser, server: ServerProcess, sandbox_key: str) -> Iterator[Playground]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        opened = Playground(page, server)
        opened.open(sandbox_key)
        yield opened
        assert opened.problems == [], "script errors or CSP violations in the page"
        assert opened.foreign_requests() == [], "requests to another host"
    finally:
        context.close()


def test_text_to_video_plays_with_the_size_picked_in_the_form(playground: Playground) -> None:
    playground.generate("veo2", "A lighthouse at dusk, waves below.", aspect_ratio="9:16")

    assert playground.wait_for_video() == (720, 1280)
    assert playground.statuses_seen() == ["queued", "generating", "completed"]
    assert playground.page.locator("#progress").get_attribute("value") == "100"
    download = playground.page.get_by_role("link", name="Download MP4")
    assert "/files/" in (download.get_attribute("href") or "")
    assert "completed" in playground.page.locator("#history").inner_text()
    playground.screenshot("vidgate-playground-text.png")
    assert playground.foreign_requests() == []


def test_image_to_video_sends_the_picked_image(playground: Playground) -> None:
    playground.page.get_by_label("Model", exact=True).select_option("video-01")
    playground.pick_image(720, 540)
    assert playground.page.locator("#image-preview").is_visible()
    playground.generate("video-01", "The orange square starts to spin.")

    # MiniMax follows the first frame: a 4:3 image gives a 4:3 video, 720 px on the short side.
    assert playground.wait_for_video() == (960, 720)
    assert playground.statuses_seen() == ["queued", "generating", "completed"]
    playground.screenshot("vidgate-playground-image.png")
    assert playground.foreign_requests() == []


def test_the_job_is_followed_by_long_poll_when_the_event_stream_fails(
    playground: Playground,
) -> None:
    long_polls: list[str] = []
    playground.page.route("**/v2/video/generations/events*", lambda route: route.abort())
    playground.page.on(
        "request",
        lambda r: long_polls.append(r.url) if r.headers.get("prefer") == "wait=10" else None,
    )
    playground.generate("wan/v2.1/1.3b/text-to-video", "Fog over a lake.")

    assert playground.wait_for_video() == (832, 480)
    assert long_polls and all("/v2/video/generations?generation_id=" in u for u in long_polls)
    assert playground.statuses_seen()[-1] == "completed"


def test_a_missing_prompt_shows_the_api_message_and_focuses_the_field(
    playground: Playground,
) -> None:
    page = playground.page
    page.get_by_label("Model", exact=True).select_option("veo2")
    page.get_by_label("Bearer key").press("Enter")  # submits from the keyboard

    assert playground.error_text() == "prompt: required for model 'veo2'"
    assert page.locator("#prompt").get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.id") == "prompt"
    assert page.locator("#video").is_hidden()


def test_a_too_small_image_shows_the_api_message_naming_the_field(
    playground: Playground,
) -> None:
    playground.page.get_by_label("Model", exact=True).select_option("video-01")
    playground.pick_image(200, 200)
    playground.generate("video-01", "Spin.")

    message = playground.error_text()
    assert message.startswith("first_frame_image: image is 200x200")
    assert playground.page.locator("#image").get_attribute("aria-invalid") == "true"
    playground.screenshot("vidgate-playground-error.png")

    playground.pick_image(720, 540)
    playground.page.get_by_role("button", name="Generate").click()
    assert playground.wait_for_video() == (960, 720)
    assert playground.page.locator("#error").is_hidden()


def test_the_key_is_kept_in_local_storage(playground: Playground, sandbox_key: str) -> None:
    playground.page.reload()
    assert playground.page.get_by_label("Bearer key").input_value() == sandbox_key
