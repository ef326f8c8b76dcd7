"""Per-deployment settings of the Google Veo engine, read from ``Deployment.base_url``/``options``.

Veo 2 is reachable on two surfaces that differ in auth, paths and result delivery; each
deployment picks one.

Options:
    surface             "gemini" (default): the Gemini API, credential ``api_key``.
                        "vertex": Vertex AI, credential ``access_token`` (a ready OAuth2
                        bearer token with the cloud-platform scope; vidgate does not mint or
                        refresh it, see the package docstring).
    project             Vertex only, required: the Google Cloud project id.
    location            Vertex only, default "us-central1"; "global" uses the global host.
    storage_uri         Vertex only, optional ``gs://bucket/prefix/``: Veo writes the video
                        there and the worker downloads it through the Cloud Storage JSON
                        API with the same token. Without it, Vertex returns the MP4 inline
                        in the operation (base64), which the engine writes to the job's
                        workdir.
    storage_base_url    Vertex only, default "https://storage.googleapis.com" (tests, private
                        endpoints).
    person_generation   "allow_adult" (default; the documented default on both surfaces),
                        "dont_allow", or "omit" (send nothing, take the server's default).
                        Never sent with an image on the Gemini API, which refuses it there.

``base_url`` replaces the scheme and host (``https://generativelanguage.googleapis.com`` or
``https://{location}-aiplatform.googleapis.com``); the engine appends ``/v1beta/...`` or
``/v1/...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vidgate.domain.routing import Deployment

Surface = Literal["gemini", "vertex"]
PersonGeneration = Literal["allow_adult", "dont_allow", "omit"]

GEMINI_BASE_URL = "https://generativelanguage.googleapis.com"
STORAGE_BASE_URL = "https://storage.googleapis.com"
DEFAULT_LOCATION = "us-central1"
KNOWN_OPTIONS = frozenset(
    {"surface", "project", "location", "storage_uri", "storage_base_url", "person_generation"}
)
VERTEX_ONLY = frozenset({"project", "location", "storage_uri", "storage_base_url"})
PERSON_GENERATION: tuple[PersonGeneration, ...] = ("allow_adult", "dont_allow", "omit")


class InvalidOptions(ValueError):
    """A deployment's options cannot configure the Google engine."""


@dataclass(frozen=True, slots=True)
class GoogleOptions:
    surface: Surface
    base_url: str
    person_generation: PersonGeneration = "allow_adult"
    project: str | None = None
    location: str = DEFAULT_LOCATION
    storage_uri: str | None = None
    storage_base_url: str = STORAGE_BASE_URL

    @property
    def credential(self) -> str:
        return "api_key" if self.surface == "gemini" else "access_token"

    @classmethod
    def of(cls, deployment: Deployment) -> GoogleOptions:
        options = deployment.options
        _check_known(options)
        surface = _surface(options)
        person = _choice(options, "person_generation", PERSON_GENERATION, "allow_adult")
        if surface == "gemini":
            return cls("gemini", _base(deployment, GEMINI_BASE_URL), person)
        location = _text(options, "location") or DEFAULT_LOCATION
        return cls(
            "vertex",
            _base(deployment, vertex_base_url(location)),
            person,
            project=_required_project(options),
            location=location,
            storage_uri=_storage_uri(options),
            storage_base_url=(_text(options, "storage_base_url") or STORAGE_BASE_URL).rstrip("/"),
        )


def vertex_base_url(location: str) -> str:
    if location == "global":
        return "https://aiplatform.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"


def _check_known(options: Mapping[str, object]) -> None:
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        known = ", ".join(sorted(KNOWN_OPTIONS))
        raise InvalidOptions(f"unknown google option(s) {', '.join(unknown)}; known: {known}")
    if options.get("surface", "gemini") == "gemini":
        misplaced = sorted(VERTEX_ONLY & set(options))
        if misplaced:
            raise InvalidOptions(
                f"google option(s) {', '.join(misplaced)} apply to surface 'vertex' only"
            )


def _surface(options: Mapping[str, object]) -> Surface:
    surface = options.get("surface", "gemini")
    if surface == "gemini" or surface == "vertex":
        return surface
    raise InvalidOptions(f"google option surface must be 'gemini' or 'vertex', got {surface!r}")


def _choice(
    options: Mapping[str, object],
    name: str,
    allowed: tuple[PersonGeneration, ...],
    default: PersonGeneration,
) -> PersonGeneration:
    value = options.get(name, default)
    for choice in allowed:
        if value == choice:
            return choice
    raise InvalidOptions(f"google option {name} must be one of {allowed}, got {value!r}")


def _text(options: Mapping[str, object], name: str) -> str | None:
    value = options.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidOptions(f"google option {name} must be a non-empty string, got {value!r}")
    return value.strip()


def _required_project(options: Mapping[str, object]) -> str:
    project = _text(options, "project")
    if project is None:
        raise InvalidOptions("google surface 'vertex' needs the option project")
    return project


def _storage_uri(options: Mapping[str, object]) -> str | None:
    uri = _text(options, "storage_uri")
    if uri is None:
        return None
    if not uri.startswith("gs://") or len(uri) <= len("gs://"):
        raise InvalidOptions(f"google option storage_uri must be gs://bucket/prefix/, got {uri!r}")
    return uri if uri.endswith("/") else uri + "/"


def _base(deployment: Deployment, default: str) -> str:
    return (deployment.base_url or default).rstrip("/")
