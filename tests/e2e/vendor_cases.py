"""The cases of ``test_vendor_engines.py``: for each seed model the request and the create
body its vendor must receive, images given as URLs, and each vendor's failure scenarios with
the outcome vidgate must reach. Data only; the tests are in the test module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.media import png_bytes
from tests.support.vendor_fakes import Vendor

PROMPT = "A cheetah turns toward the camera."
LANDSCAPE = png_bytes(640, 360)
PORTRAIT = png_bytes(360, 640)
# Placeholders in the expected create bodies, filled in per job.
JOB, SEED, IMAGE_B64, IMAGE_URI = "<job id>", "<seed>", "<image base64>", "<image data uri>"


@dataclass(frozen=True)
class ModelCase:
    model: str
    body: dict[str, Any]
    path: str  # where the fake received the create call
    expected: dict[str, Any]  # the create body, with placeholders
    image: bytes = LANDSCAPE


def _kling_t2v(model: str, name: str, mode: str, **extra: Any) -> ModelCase:
    body = {"prompt": PROMPT, "aspect_ratio": "9:16", "duration": "10", "negative_prompt": "blur"}
    expected = {
        "model_name": name,
        "mode": mode,
        "duration": "10",
        "prompt": PROMPT,
        "negative_prompt": "blur",
        "cfg_scale": 0.5,
        "aspect_ratio": "9:16",
        "external_task_id": JOB,
    }
    camera = {"camera_control": {"type": "down_back"}} if extra else {}
    return ModelCase(
        model, body | {"cfg_scale": 0.5} | extra, "/v1/videos/text2video", expected | camera
    )


def _kling_i2v(model: str, name: str, mode: str) -> ModelCase:
    expected = {
        "model_name": name,
        "mode": mode,
        "duration": "5",
        "prompt": PROMPT,
        "image": IMAGE_B64,
        "external_task_id": JOB,
    }
    body = {"prompt": PROMPT, "image_url": IMAGE_URI, "duration": "5"}
    return ModelCase(model, body, "/v1/videos/image2video", expected)


VEO_CREATE = "/v1beta/models/veo-2.0-generate-001:predictLongRunning"
MODEL_CASES = [
    _kling_t2v(
        "kling-video/v1/standard/text-to-video", "kling-v1", "std", camera_control="down_back"
    ),
    _kling_t2v("kling-video/v1/pro/text-to-video", "kling-v1", "pro"),
    _kling_t2v("kling-video/v1.6/standard/text-to-video", "kling-v1-6", "std"),
    _kling_t2v("kling-video/v1.6/pro/text-to-video", "kling-v1-6", "pro"),
    _kling_i2v("kling-video/v1/standard/image-to-video", "kling-v1", "std"),
    _kling_i2v("kling-video/v1/pro/image-to-video", "kling-v1", "pro"),
    _kling_i2v("kling-video/v1.6/standard/image-to-video", "kling-v1-6", "std"),
    _kling_i2v("kling-video/v1.6/pro/image-to-video", "kling-v1-6", "pro"),
    ModelCase(
        "video-01",
        {"prompt": PROMPT, "prompt_optimizer": False},
        "/v1/video_generation",
        {"model": "video-01", "prompt": PROMPT, "prompt_optimizer": False},
    ),
    ModelCase(
        "video-01-live2d",
        {"prompt": PROMPT, "first_frame_image": IMAGE_URI},
        "/v1/video_generation",
        {
            "model": "video-01-live2d",
            "prompt": PROMPT,
            "prompt_optimizer": True,
            "first_frame_image": IMAGE_URI,
        },
    ),
    ModelCase(
        "gen3a_turbo",
        {"image_url": IMAGE_URI, "prompt": PROMPT, "ratio": "9:16", "duration": 5, "seed": 42},
        "/v1/image_to_video",
        {
            "model": "gen3a_turbo",
            "promptImage": IMAGE_URI,
            "promptText": PROMPT,
            "ratio": "768:1280",
            "duration": 5,
            "seed": 42,
        },
    ),
    ModelCase(
        "runway/gen4_turbo",
        {"image_url": IMAGE_URI, "prompt": PROMPT, "ratio": "1:1"},
        "/v1/image_to_video",
        {
            "model": "gen4_turbo",
            "promptImage": IMAGE_URI,
            "promptText": PROMPT,
            "ratio": "960:960",
            "duration": 10,
            "seed": SEED,
        },
    ),
    ModelCase(
        "wan/v2.1/1.3b/text-to-video",
        {
            "prompt": PROMPT,
            "negative_prompt": "blur",
            "aspect_ratio": "9:16",
            "seed": 1234,
            "enable_prompt_expansion": True,
            "inference_steps": 20,
        },
        "/api/v1/services/aigc/video-generation/video-synthesis",
        {
            "model": "wan2.1-t2v-turbo",
            "input": {"prompt": PROMPT, "negative_prompt": "blur"},
            "parameters": {
                "size": "480*832",
                "duration": 5,
                "prompt_extend": True,
                "seed": 1234,
                "watermark": False,
            },
        },
    ),
    ModelCase(
        "veo2",
        {"prompt": PROMPT, "aspect_ratio": "9:16", "duration": "8"},
        VEO_CREATE,
        {
            "instances": [{"prompt": PROMPT}],
            "parameters": {
                "aspectRatio": "9:16",
                "durationSeconds": 8,
                "sampleCount": 1,
                "personGeneration": "allow_adult",
            },
        },
    ),
    ModelCase(
        "veo2/image-to-video",
        {"prompt": PROMPT, "image_url": IMAGE_URI, "aspect_ratio": "auto"},
        VEO_CREATE,
        {
            "instances": [
                {
                    "prompt": PROMPT,
                    "image": {"bytesBase64Encoded": IMAGE_B64, "mimeType": "image/png"},
                }
            ],
            # "auto" follows the portrait image; no personGeneration with an image on Gemini.
            "parameters": {"aspectRatio": "9:16", "durationSeconds": 5, "sampleCount": 1},
        },
        image=PORTRAIT,
    ),
]


@dataclass(frozen=True)
class UrlCase:
    model: str
    field: str
    host: str
    sent: str  # what the vendor should receive: "url", "data uri" or "base64"


URL_CASES = [
    # MiniMax fetches URLs itself: the caller's URL is passed on.
    UrlCase("video-01", "first_frame_image", "127.0.0.1", "url"),
    # Runway fetches https URLs on a host name, never on an IP address.
    UrlCase("runway/gen4_turbo", "image_url", "localhost", "url"),
    UrlCase("gen3a_turbo", "image_url", "127.0.0.1", "data uri"),
    # Kling and Veo take the bytes vidgate fetched.
    UrlCase("kling-video/v1.6/pro/image-to-video", "image_url", "127.0.0.1", "base64"),
    UrlCase("veo2/image-to-video", "image_url", "localhost", "base64"),
]


@dataclass(frozen=True)
class Failure:
    vendor: Vendor
    scenario: str  # the fake's scenario, or WRONG_KEY
    outcome: str  # the AIML error.name, or "completed"
    creates: int = 1  # create calls the fake received
    tasks: int = 0  # tasks the fake accepted (and would bill)

    @property
    def id(self) -> str:
        return f"{self.vendor}-{self.scenario}"


WRONG_KEY = "wrong_key"
ROTATED = {
    "kling": {"secret_key": "sk-rotated-0123456789abcdef0123456789abcdef"},
    "minimax": {"api_key": "rotated-minimax-key"},
    "runway": {"api_key": "rotated-runway-key"},
    "google": {"api_key": "AIzaSy-rotated-key"},
    "alibaba": {"api_key": "sk-intl-rotated"},
}
FAILURE_MODELS: dict[Vendor, str] = {
    "kling": "kling-video/v1.6/pro/text-to-video",
    "minimax": "video-01",
    "runway": "runway/gen4_turbo",
    "google": "veo2",
    "alibaba": "wan/v2.1/1.3b/text-to-video",
}
OK = "completed"
FAILURES = [
    # Kling: service codes on the create, and failed tasks.
    Failure("kling", "content_refused", "content_refused"),
    Failure("kling", "platform_policy", "content_refused"),
    Failure("kling", "content_risk_on_task", "content_refused", tasks=1),
    Failure("kling", "task_failed", "invalid_input", tasks=1),
    Failure("kling", "billing_exhausted", "quota_exceeded"),
    Failure("kling", "account_in_arrears", "quota_exceeded"),
    Failure("kling", "no_model_access", "vendor_auth_failed"),
    Failure("kling", "ip_not_whitelisted", "vendor_auth_failed"),
    Failure("kling", WRONG_KEY, "vendor_auth_failed"),
    Failure("kling", "rate_limited_twice", OK, creates=3, tasks=1),
    Failure("kling", "concurrency_limited_twice", OK, creates=3, tasks=1),
    Failure("kling", "server_error_on_submit_once", OK, creates=2, tasks=1),
    Failure("kling", "unavailable_on_poll", OK, tasks=1),
    Failure("kling", "token_expired_once", OK, creates=2, tasks=1),
    Failure("kling", "rate_limited_always", "rate_limited", creates=3),
    Failure("kling", "fails_on_submit", "vendor_unavailable", creates=3),
    Failure("kling", "task_internal_error", "vendor_unavailable", tasks=1),
    # The create went through but its answer was an error: the retry is refused as a
    # duplicate external_task_id, and vidgate does not guess (one task, refunded).
    Failure("kling", "creates_then_errors_once", "upstream_unknown", creates=2, tasks=1),
    # MiniMax: base_resp codes in HTTP 200 answers.
    Failure("minimax", "content_refused", "content_refused", tasks=1),
    Failure("minimax", "output_refused", "content_refused", tasks=1),
    Failure("minimax", "fails_on_submit", "invalid_input"),
    Failure("minimax", "billing_exhausted", "quota_exceeded"),
    Failure("minimax", "usage_window_exhausted", "quota_exceeded"),
    Failure("minimax", WRONG_KEY, "vendor_auth_failed"),
    Failure("minimax", "rate_limited_twice", OK, creates=3, tasks=1),
    Failure("minimax", "token_limited_once", OK, creates=2, tasks=1),
    Failure("minimax", "server_error_on_submit", OK, creates=2, tasks=1),
    Failure("minimax", "server_error_on_poll", OK, tasks=1),
    Failure("minimax", "busy_on_poll", OK, tasks=1),
    Failure("minimax", "retrieve_busy_once", OK, tasks=1),
    Failure("minimax", "rate_limited_forever", "rate_limited", creates=3),
    Failure("minimax", "task_fails_unknown", "vendor_unavailable", tasks=1),
    Failure("minimax", "no_task_id", "upstream_unknown", tasks=1),
    # Runway: HTTP semantics on calls, failureCode on tasks.
    Failure("runway", "content_refused", "content_refused", tasks=1),
    Failure("runway", "prompt_refused", "content_refused", tasks=1),
    Failure("runway", "output_refused", "content_refused", tasks=1),
    Failure("runway", "fails_on_submit", "invalid_input"),
    Failure("runway", "asset_invalid", "invalid_input", tasks=1),
    Failure("runway", "bad_output", "invalid_input", tasks=1),
    Failure("runway", "billing_exhausted", "quota_exceeded"),
    Failure("runway", WRONG_KEY, "vendor_auth_failed"),
    Failure("runway", "rate_limited_twice", OK, creates=3, tasks=1),
    Failure("runway", "server_error_on_submit", OK, creates=2, tasks=1),
    Failure("runway", "server_error_on_poll", OK, tasks=1),
    Failure("runway", "overloaded_on_poll", OK, tasks=1),
    Failure("runway", "unavailable_forever", "vendor_unavailable", creates=3),
    Failure("runway", "internal_failure", "vendor_unavailable", tasks=1),
    Failure("runway", "cancelled_upstream", "cancelled", tasks=1),
    Failure("runway", "no_task_id", "upstream_unknown", tasks=1),
    # Google Veo (Gemini API): Google's error envelope and finished operations.
    Failure("google", "prompt_refused", "content_refused"),
    Failure("google", "content_filtered", "content_refused", tasks=1),
    Failure("google", "operation_error", "invalid_input", tasks=1),
    Failure("google", "billing_not_enabled", "quota_exceeded"),
    Failure("google", "daily_quota_exhausted", "quota_exceeded"),
    Failure("google", "model_not_allowed", "vendor_auth_failed"),
    Failure("google", WRONG_KEY, "vendor_auth_failed"),
    Failure("google", "rate_limited_twice", OK, creates=3, tasks=1),
    Failure("google", "unavailable_on_submit_once", OK, creates=2, tasks=1),
    Failure("google", "unavailable_on_poll", OK, tasks=1),
    Failure("google", "deadline_on_poll_once", OK, tasks=1),
    Failure("google", "rate_limited_always", "rate_limited", creates=3),
    Failure("google", "fails_on_submit", "vendor_unavailable", creates=3),
    Failure("google", "down_on_poll", "vendor_unavailable", tasks=1),
    Failure("google", "operation_internal_error", "vendor_unavailable", tasks=1),
    # Alibaba DashScope: codes in error bodies and in FAILED tasks.
    Failure("alibaba", "prompt_refused", "content_refused"),
    Failure("alibaba", "content_refused_on_task", "content_refused", tasks=1),
    Failure("alibaba", "task_failed_invalid_parameter", "invalid_input", tasks=1),
    Failure("alibaba", "arrearage", "quota_exceeded"),
    Failure("alibaba", "model_not_activated", "vendor_auth_failed"),
    Failure("alibaba", WRONG_KEY, "vendor_auth_failed"),
    Failure("alibaba", "rate_limited_twice", OK, creates=3, tasks=1),
    Failure("alibaba", "server_error_on_submit_once", OK, creates=2, tasks=1),
    Failure("alibaba", "server_error_on_poll", OK, tasks=1),
    Failure("alibaba", "unavailable_on_poll", OK, tasks=1),
    Failure("alibaba", "gateway_timeout_on_poll", OK, tasks=1),
    Failure("alibaba", "rate_limited_always", "rate_limited", creates=3),
    Failure("alibaba", "fails_on_submit", "vendor_unavailable", creates=3),
    Failure("alibaba", "task_internal_error", "vendor_unavailable", tasks=1),
    Failure("alibaba", "canceled_at_vendor", "cancelled", tasks=1),
]
