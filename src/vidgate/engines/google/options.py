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

from typing import ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator

from vidgate.engines.options import DeploymentOptions, Text

Surface = Literal["gemini", "vertex"]
PersonGeneration = Literal["allow_adult", "dont_allow", "omit"]

GEMINI_BASE_URL = "https://generativelanguage.googleapis.com"
STORAGE_BASE_URL = "https://storage.googleapis.com"
DEFAULT_LOCATION = "us-central1"
VERTEX_ONLY = frozenset({"project", "location", "storage_uri", "storage_base_url"})


class GoogleOptions(DeploymentOptions):
    engine: ClassVar[str] = "google"

    surface: Surface = "gemini"
    person_generation: PersonGeneration = "allow_adult"
    project: Text | None = None
    location: Text = DEFAULT_LOCATION
    storage_uri: Text | None = Field(default=None, description="gs://bucket/prefix/")
    storage_base_url: Text = STORAGE_BASE_URL

    @property
    def credential(self) -> str:
        return "api_key" if self.surface == "gemini" else "access_token"

    @property
    def credentials(self) -> tuple[str, ...]:
        return (self.credential,)

    def default_base_url(self) -> str:
        return GEMINI_BASE_URL if self.surface == "gemini" else vertex_base_url(self.location)

    @field_validator("storage_uri")
    @classmethod
    def _bucket_folder(cls, uri: str | None) -> str | None:
        if uri is None:
            return None
        if not uri.startswith("gs://") or len(uri) <= len("gs://"):
            raise ValueError("not a gs:// URI")
        return uri if uri.endswith("/") else uri + "/"

    @field_validator("storage_base_url")
    @classmethod
    def _without_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @model_validator(mode="after")
    def _surface_rules(self) -> Self:
        misplaced = sorted(VERTEX_ONLY & self.model_fields_set)
        if self.surface == "gemini" and misplaced:
            raise ValueError(
                f"google option(s) {', '.join(misplaced)} apply to surface 'vertex' only"
            )
        if self.surface == "vertex" and self.project is None:
            raise ValueError("google surface 'vertex' needs the option project")
        return self


def vertex_base_url(location: str) -> str:
    if location == "global":
        return "https://aiplatform.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"
