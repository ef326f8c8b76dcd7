"""The SDK's calls as sans-IO operations (see ``steps.py``): send with retries, parse."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from vidgate.client.calls import Call
from vidgate.client.errors import APIResponseValidationError, connection_error, status_error
from vidgate.client.retries import RetryPolicy, retry_delay
from vidgate.client.steps import Operation, Send, Sleep

M = TypeVar("M", bound=BaseModel)


def send(call: Call, policy: RetryPolicy, save_to: Path | None = None) -> Operation[httpx.Response]:
    """``call`` until it succeeds, fails for good or runs out of retries. The same ``Call``
    (same ``Idempotency-Key``) is sent on every attempt."""
    retry = 0
    while True:
        outcome = yield Send(call, save_to)
        if outcome is None:
            raise RuntimeError("a driver answered a Send step with nothing")
        delay = retry_delay(policy, retry, outcome, random=random.random(), now=time.time())
        if delay is None:
            return checked(outcome)
        yield Sleep(delay)
        retry += 1


def checked(outcome: httpx.Response | httpx.TransportError) -> httpx.Response:
    """The response if it is a success; else the SDK's exception for it."""
    if isinstance(outcome, httpx.TransportError):
        raise connection_error(outcome) from outcome
    if outcome.is_error:
        raise status_error(outcome)
    return outcome


def parsed(model: type[M], response: httpx.Response) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise APIResponseValidationError(response, str(error)) from None


def fetch(call: Call, policy: RetryPolicy, model: type[M]) -> Operation[M]:
    response = yield from send(call, policy)
    return parsed(model, response)


def download(call: Call, policy: RetryPolicy, path: Path) -> Operation[Path]:
    """Stream the body to ``path``; a dropped transfer is retried from the start."""
    yield from send(call, policy, save_to=path)
    return path
