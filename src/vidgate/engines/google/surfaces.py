"""The two ways to reach Veo: where to send each call and how to authenticate it.

Gemini API  POST {host}/v1beta/models/{model}:predictLongRunning      x-goog-api-key
            GET  {host}/v1beta/{operation name}
            result: a files URI, downloaded with the same key
Vertex AI   POST {host}/v1/projects/{p}/locations/{l}/publishers/google/models/{model}
                 :predictLongRunning                                  Bearer token
            POST {host}/v1/{model resource}:fetchPredictOperation {"operationName"}
                 (a GET on the operation does not work for Veo)
            result: inline base64 bytes, or a gs:// object when storageUri was sent,
            downloaded through the Cloud Storage JSON API with the same token
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from vidgate.engines.google.operations import GeneratedVideo
from vidgate.engines.google.options import GoogleOptions
from vidgate.engines.protocol import RemoteVideo


@dataclass(frozen=True, slots=True)
class PollCall:
    method: str
    url: str
    json: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class GeminiSurface:
    options: GoogleOptions
    api_key: str

    def headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self.api_key}

    def create_url(self, model: str) -> str:
        return f"{self.options.base_url}/v1beta/models/{model}:predictLongRunning"

    def poll_call(self, operation: str, model: str) -> PollCall:
        return PollCall("GET", f"{self.options.base_url}/v1beta/{operation}")

    def remote_video(self, video: GeneratedVideo) -> RemoteVideo | None:
        """The files URI needs the key; it is sent only to the API's own host."""
        if video.uri is None:
            return None
        if _origin(video.uri) != _origin(self.options.base_url):
            return RemoteVideo(video.uri)
        return RemoteVideo(video.uri, headers=self.headers())


@dataclass(frozen=True, slots=True)
class VertexSurface:
    options: GoogleOptions
    access_token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def create_url(self, model: str) -> str:
        return f"{self.options.base_url}/v1/{self._model_resource(model)}:predictLongRunning"

    def poll_call(self, operation: str, model: str) -> PollCall:
        resource, found, _ = operation.rpartition("/operations/")
        url = f"{self.options.base_url}/v1/{resource if found else self._model_resource(model)}"
        return PollCall("POST", f"{url}:fetchPredictOperation", {"operationName": operation})

    def remote_video(self, video: GeneratedVideo) -> RemoteVideo | None:
        if video.uri is None:
            return None
        if video.uri.startswith("gs://"):
            return RemoteVideo(self._storage_media_url(video.uri), headers=self.headers())
        return RemoteVideo(video.uri)

    def _model_resource(self, model: str) -> str:
        project, location = self.options.project, self.options.location
        return f"projects/{project}/locations/{location}/publishers/google/models/{model}"

    def _storage_media_url(self, gcs_uri: str) -> str:
        bucket, _, name = gcs_uri.removeprefix("gs://").partition("/")
        return (
            f"{self.options.storage_base_url}/storage/v1/b/{quote(bucket, safe='')}"
            f"/o/{quote(name, safe='')}?alt=media"
        )


Surface = GeminiSurface | VertexSurface


def surface_for(options: GoogleOptions, credentials: Mapping[str, str]) -> Surface:
    secret = credentials.get(options.credential, "")
    if options.surface == "gemini":
        return GeminiSurface(options, secret)
    return VertexSurface(options, secret)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
