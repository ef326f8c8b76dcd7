"""The create-body checks DashScope applies to Wan 2.1 text-to-video.

Each problem is a ``(code, message)`` answered with HTTP 400. Stricter than DashScope in
one respect: unknown ``input``/``parameters`` fields are refused, so an engine that leaks an
AIML-only field (``inference_steps``…) into the request is caught in tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Problem = tuple[str, str]

SIZES_480P = frozenset({"832*480", "480*832", "624*624"})
SIZES_720P = frozenset({"1280*720", "720*1280", "960*960", "1088*832", "832*1088"})
INPUT_FIELDS = frozenset({"prompt", "negative_prompt", "extend_prompt"})
PARAMETER_FIELDS = frozenset({"size", "duration", "prompt_extend", "seed", "watermark"})
SEED_MAX = 2147483647


def check_create(body: object, models: frozenset[str], durations: frozenset[int]) -> Problem | None:
    if not isinstance(body, dict):
        return "InvalidParameter", "The request body must be a JSON object."
    model = body.get("model")
    if not model:
        return "BadRequest.EmptyModel", 'Required parameter "model" missing from request.'
    if model not in models:
        return "InvalidParameter", "Model not exist."
    text = body.get("input")
    if not isinstance(text, dict) or not text:
        return "BadRequest.EmptyInput", 'Required parameter "input" missing from request.'
    parameters = body.get("parameters", {})
    if not isinstance(parameters, dict):
        return "InvalidParameter", "parameters must be an object."
    return _check_input(text) or _check_parameters(str(model), parameters, durations)


def _check_input(text: Mapping[str, Any]) -> Problem | None:
    unknown = sorted(set(text) - INPUT_FIELDS)
    if unknown:
        return "InvalidParameter", f"Unknown field input.{unknown[0]}."
    prompt = text.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "InvalidParameter", "Field required: input.prompt"
    if not isinstance(text.get("negative_prompt", ""), str):
        return "InvalidParameter", "input.negative_prompt must be a string."
    return None


def _check_parameters(
    model: str, parameters: Mapping[str, Any], durations: frozenset[int]
) -> Problem | None:
    unknown = sorted(set(parameters) - PARAMETER_FIELDS)
    if unknown:
        return "InvalidParameter", f"Unknown field parameters.{unknown[0]}."
    checks = (
        _size(model, parameters.get("size")),
        _duration(parameters.get("duration"), durations),
        _seed(parameters.get("seed")),
        _boolean(parameters, "prompt_extend"),
        _boolean(parameters, "watermark"),
    )
    return next((problem for problem in checks if problem), None)


def _size(model: str, size: object) -> Problem | None:
    if size is None:
        return None
    allowed = SIZES_720P if model.endswith("-plus") else SIZES_480P | SIZES_720P
    if not isinstance(size, str) or not re.fullmatch(r"\d+\*\d+", size) or size not in allowed:
        return "InvalidParameter", f"The size is not match the model: {size!r}."
    return None


def _duration(duration: object, durations: frozenset[int]) -> Problem | None:
    if duration is None:
        return None
    if not isinstance(duration, int) or isinstance(duration, bool) or duration not in durations:
        return "InvalidParameter", f"The duration {duration!r} is not supported."
    return None


def _seed(seed: object) -> Problem | None:
    if seed is None:
        return None
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= SEED_MAX:
        return "InvalidParameter", f"seed must be an integer in [0, {SEED_MAX}]."
    return None


def _boolean(parameters: Mapping[str, Any], name: str) -> Problem | None:
    if name in parameters and not isinstance(parameters[name], bool):
        return "InvalidParameter", f"parameters.{name} must be a boolean."
    return None
