"""A scripted in-memory vendor engine and its jobs, for the tests of the shared engine code.

``ScriptedEngine`` answers from lists (each call takes the next item, raised when it is an
error) and has one option, ``slow``, that switches its deployment to a slower poll policy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx

from tests.support.simulated_time import SimulatedTime
from vidgate.domain.errors import GenerationError
from vidgate.domain.routing import Deployment
from vidgate.domain.seed_catalogue import seed_catalogue
from vidgate.domain.shapes import resolve_shape
from vidgate.engines.options import DeploymentOptions
from vidgate.engines.polling import PollPolicy
from vidgate.engines.protocol import EngineJob, EngineOutput, RemoteVideo
from vidgate.engines.remote import RemoteTaskEngine, TaskContext, TaskSnapshot

POLICY = PollPolicy(interval=10.0, jitter=0.0, max_errors=2, submit_attempts=2)
SLOW = dataclasses.replace(POLICY, interval=30.0)
DONE = TaskSnapshot("succeeded", 100, "done", output=RemoteVideo("https://cdn.test/v.mp4"))
SUBMITTING = {"phase": "submitting", "deployment": "scripted"}
T = TypeVar("T")


class ScriptedOptions(DeploymentOptions):
    engine: ClassVar[str] = "scripted"

    slow: bool = False

    def default_base_url(self) -> str:
        return "https://scripted.test"


class ScriptedEngine(RemoteTaskEngine):
    """A vendor whose answers are lists: each call takes the next item (raised if an error)."""

    name = "scripted"
    default_policy = POLICY
    options_type = ScriptedOptions

    def __init__(self, http: httpx.AsyncClient, sim: SimulatedTime) -> None:
        super().__init__(http, sleep=sim.sleep, clock=sim.clock)
        self.creates: list[dict[str, Any] | GenerationError] = [{"task_id": "t-1"}]
        self.polls: list[TaskSnapshot | GenerationError] = [DONE]
        self.fetches: list[EngineOutput | GenerationError] = []
        self.recovered: list[dict[str, Any] | GenerationError | None] = [None]
        self.workdirs: list[Path] = []

    async def submit(self, job: EngineJob) -> dict[str, Any]:
        return _next(self.creates)

    async def poll(
        self, job: EngineJob, state: Mapping[str, Any], ctx: TaskContext
    ) -> TaskSnapshot:
        self.workdirs.append(ctx.workdir)
        return _next(self.polls)

    async def fetch_output(
        self,
        job: EngineJob,
        state: Mapping[str, Any],
        snapshot: TaskSnapshot,
        ctx: TaskContext,
    ) -> EngineOutput:
        if not self.fetches:
            return await super().fetch_output(job, state, snapshot, ctx)
        self.workdirs.append(ctx.workdir)
        return _next(self.fetches)

    def policy_for(self, job: EngineJob) -> PollPolicy:
        return SLOW if ScriptedOptions.for_job(job).slow else self.policy

    async def recover_submission(self, job: EngineJob) -> dict[str, Any] | None:
        return _next(self.recovered)


def _next(answers: list[T | GenerationError]) -> T:
    answer = answers.pop(0)
    if isinstance(answer, GenerationError):
        raise answer
    return answer


def make_job(**options: Any) -> EngineJob:
    spec = seed_catalogue().resolve("veo2")
    params = {"prompt": "p"}
    deployment = Deployment(name="scripted", engine="scripted", options=options)
    return EngineJob("job-1", spec, params, {}, resolve_shape(spec, params), 7, deployment)
