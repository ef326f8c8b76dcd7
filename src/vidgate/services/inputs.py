"""Input images: fetched or decoded, checked against the model's rules, kept as blobs."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vidgate.blobs.protocol import BlobStore
from vidgate.domain.catalogue import ImageRole, ImageRule, ModelSpec
from vidgate.domain.image_rules import check_image
from vidgate.domain.jobs import StoredImage
from vidgate.media.images import LoadedImage, load_image_reference
from vidgate.net.fetch import PublicFetcher

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True, slots=True)
class ImageReference:
    field: str
    value: str
    rule: ImageRule
    role: ImageRole


@dataclass(frozen=True, slots=True)
class IngestedImages:
    params: dict[str, Any]
    stored: tuple[StoredImage, ...]

    @property
    def first_frame_size(self) -> tuple[int, int] | None:
        first = next((i for i in self.stored if i.role == "first_frame"), None)
        return (first.width, first.height) if first else None


class InputImages:
    def __init__(self, blobs: BlobStore, fetcher: PublicFetcher) -> None:
        self._blobs = blobs
        self._fetcher = fetcher

    async def ingest(
        self, spec: ModelSpec, params: Mapping[str, Any], job_id: str
    ) -> IngestedImages:
        """Load every image the request names, check it, store it under ``inputs/<job>/``.

        Data URIs are replaced in the stored parameters by a short note, so a job row never
        holds megabytes of base64; engines read the bytes from the stored images.
        """
        refs = list(image_references(spec, params))
        if not refs:
            return IngestedImages(dict(params), ())
        loaded = await asyncio.gather(*(self._load(ref) for ref in refs))
        stored = []
        for index, (ref, image) in enumerate(zip(refs, loaded, strict=True)):
            stored.append(await self._store(job_id, index, ref, image))
        return IngestedImages(_without_inline_data(spec, params), tuple(stored))

    async def _load(self, ref: ImageReference) -> LoadedImage:
        image = await load_image_reference(ref.value, field=ref.field, fetcher=self._fetcher)
        check_image(ref.rule, image.facts(), ref.field)
        return image

    async def _store(
        self, job_id: str, index: int, ref: ImageReference, image: LoadedImage
    ) -> StoredImage:
        slug = re.sub(r"[^a-z0-9]+", "-", ref.field.lower()).strip("-")
        key = f"inputs/{job_id}/{index}-{slug}.{_EXTENSIONS.get(image.mime, 'img')}"
        await self._blobs.put_bytes(key, image.data, image.mime)
        return StoredImage(
            field=ref.field,
            role=ref.role,
            blob_key=key,
            mime=image.mime,
            width=image.width,
            height=image.height,
            source_url=image.source_url,
        )


def image_references(spec: ModelSpec, params: Mapping[str, Any]) -> Iterator[ImageReference]:
    for name, param in spec.image_params().items():
        value = params.get(name)
        if value is None or param.image is None or param.image_role is None:
            continue
        if param.item_image_field is None:
            yield ImageReference(name, str(value), param.image, param.image_role)
            continue
        for index, item in enumerate(value):
            yield ImageReference(
                f"{name}[{index}].{param.item_image_field}",
                str(item[param.item_image_field]),
                param.image,
                param.image_role,
            )


def _without_inline_data(spec: ModelSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(params)
    for name, param in spec.image_params().items():
        if name not in cleaned:
            continue
        if param.item_image_field is None:
            cleaned[name] = _note_if_inline(cleaned[name])
        else:
            field = param.item_image_field
            cleaned[name] = [
                {**item, field: _note_if_inline(item[field])} for item in cleaned[name]
            ]
    return cleaned


def _note_if_inline(value: Any) -> Any:
    return "(inline image)" if isinstance(value, str) and value.startswith("data:") else value
