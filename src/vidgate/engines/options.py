"""A deployment's options for its engine: one typed schema per engine, checked once.

An engine declares what ``Deployment.options`` may hold as a ``DeploymentOptions`` subclass:
pydantic fields, strict (``true`` is not ``"yes"``, ``1`` is not ``true``), unknown keys
refused. ``of(deployment)`` validates a deployment once and keeps the result while the
deployment is unchanged (the routing table builds each deployment once); a failure is one
``InvalidOptions`` whose message names the engine, the option and what it takes::

    unknown kling option(s) regoin; known: recover_by_external_id, region
    kling option region must be 'global' or 'china', got 'mars'

What a field takes is said by its ``description`` when it has one, else by its type
(choices, ``true or false``, ``a non-empty string``). Rules between fields are model
validators whose ``ValueError`` message is shown as it is.

``vendor_model_name`` reads the deployment's other per-engine setting, ``vendor_models``.

``base_url`` is the deployment's own ``base_url`` when set, else the schema's
``default_base_url()`` (a region's host, say), without a trailing slash.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Self

from pydantic import BaseModel, ConfigDict, PrivateAttr, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from vidgate.domain.errors import InternalError, UpstreamBadInput
from vidgate.domain.routing import Deployment
from vidgate.engines.protocol import EngineJob

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""An option holding a non-empty string (surrounding blanks removed)."""

_EXPECTED_BY_TYPE = {
    "bool_type": "true or false",
    "string_type": "a non-empty string",
    "string_too_short": "a non-empty string",
}


class InvalidOptions(ValueError):
    """A deployment's options cannot configure its engine."""


class DeploymentOptions(BaseModel):
    """Base of every engine's options schema; subclasses set ``engine`` and their fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    engine: ClassVar[str]
    _base_url: str = PrivateAttr(default="")
    # (schema, deployment name) → the deployment as last checked and its options.
    _parsed: ClassVar[dict[tuple[type[DeploymentOptions], str], tuple[Deployment, object]]] = {}

    @classmethod
    def of(cls, deployment: Deployment) -> Self:
        """The options of ``deployment``, checked; raises ``InvalidOptions``."""
        key = (cls, deployment.name)
        cached = cls._parsed.get(key)
        if cached is not None and cached[0] == deployment and isinstance(cached[1], cls):
            return cached[1]
        parsed = cls._parse(deployment)
        cls._parsed[key] = (deployment, parsed)
        return parsed

    @classmethod
    def for_job(cls, job: EngineJob) -> Self:
        """The options of the deployment ``job`` runs on; bad options there are a server
        misconfiguration (readiness should have kept the job away), so ``InternalError``."""
        try:
            return cls.of(job.deployment)
        except InvalidOptions as exc:
            raise InternalError(
                f"deployment {job.deployment.name!r} is misconfigured: {exc}"
            ) from exc

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def credentials(self) -> tuple[str, ...]:
        """Credentials these options need on top of the engine's own (none by default)."""
        return ()

    def default_base_url(self) -> str:
        """Where the vendor's API is when the deployment names no ``base_url``."""
        raise NotImplementedError

    @classmethod
    def _parse(cls, deployment: Deployment) -> Self:
        try:
            parsed = cls.model_validate(dict(deployment.options))
        except ValidationError as exc:
            raise InvalidOptions(_explain(cls, deployment, exc.errors())) from None
        parsed._base_url = (deployment.base_url or parsed.default_base_url()).rstrip("/")
        return parsed


def vendor_model_name(job: EngineJob, default: str | None, *, engine: str) -> str:
    """The deployment's name (``vendor_models``) for the job's model, else ``default``."""
    name = job.deployment.vendor_model_for(job.model.id) or default
    if name is None:
        raise UpstreamBadInput(
            f"{engine}: no vendor model for {job.model.id!r}; set it in the deployment's "
            "vendor_models"
        )
    return name


def _explain(
    schema: type[DeploymentOptions], deployment: Deployment, errors: list[ErrorDetails]
) -> str:
    unknown = [str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        known = ", ".join(sorted(schema.model_fields))
        return f"unknown {schema.engine} option(s) {', '.join(sorted(unknown))}; known: {known}"
    first = errors[0]
    if not first["loc"]:
        return str(first.get("ctx", {}).get("error") or first["msg"])
    name = str(first["loc"][0])
    given = deployment.options.get(name)
    return f"{schema.engine} option {name} must be {_expected(schema, name, first)}, got {given!r}"


def _expected(schema: type[DeploymentOptions], name: str, error: ErrorDetails) -> str:
    description = schema.model_fields[name].description
    if description:
        return description
    if error["type"] == "literal_error":
        return str(error.get("ctx", {}).get("expected"))
    return _EXPECTED_BY_TYPE.get(error["type"], error["msg"].lower())
