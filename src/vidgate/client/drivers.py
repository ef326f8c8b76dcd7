"""Performing an operation's steps (``steps.py``) over httpx: once blocking, once async.

These two classes are the only code the sync and async clients do not share. Transport
errors are handed back to the operation as values; it decides whether to retry.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TypeVar

import anyio
import httpx

from vidgate.client.downloads import save, save_async
from vidgate.client.options import ClientOptions, build_request
from vidgate.client.steps import Operation, Outcome, Sleep, Step

T = TypeVar("T")


class SyncDriver:
    def __init__(self, http: httpx.Client, options: ClientOptions) -> None:
        self.http = http
        self.options = options

    def run(self, operation: Operation[T]) -> T:
        outcome: Outcome = None
        try:
            while True:
                outcome = self._perform(operation.send(outcome))
        except StopIteration as done:
            result: T = done.value
            return result

    def _perform(self, step: Step) -> Outcome:
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            return None
        request = build_request(self.http, self.options, step.call)
        try:
            if step.save_to is None:
                return self.http.send(request, follow_redirects=True)
            return self._save(request, step.save_to)
        except httpx.TransportError as error:
            return error

    def _save(self, request: httpx.Request, path: Path) -> httpx.Response:
        response = self.http.send(request, stream=True, follow_redirects=True)
        try:
            if response.is_error:
                response.read()
                return response
            save(response.iter_bytes(), path)
            return response
        finally:
            response.close()


class AsyncDriver:
    def __init__(self, http: httpx.AsyncClient, options: ClientOptions) -> None:
        self.http = http
        self.options = options

    async def run(self, operation: Operation[T]) -> T:
        outcome: Outcome = None
        try:
            while True:
                outcome = await self._perform(operation.send(outcome))
        except StopIteration as done:
            result: T = done.value
            return result

    async def _perform(self, step: Step) -> Outcome:
        if isinstance(step, Sleep):
            await anyio.sleep(step.seconds)
            return None
        request = build_request(self.http, self.options, step.call)
        try:
            if step.save_to is None:
                return await self.http.send(request, follow_redirects=True)
            return await self._save(request, step.save_to)
        except httpx.TransportError as error:
            return error

    async def _save(self, request: httpx.Request, path: Path) -> httpx.Response:
        response = await self.http.send(request, stream=True, follow_redirects=True)
        try:
            if response.is_error:
                await response.aread()
                return response
            await save_async(response.aiter_bytes(), path)
            return response
        finally:
            await response.aclose()
