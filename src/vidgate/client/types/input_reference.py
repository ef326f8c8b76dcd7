"""``InputReference``: the first frame of an image-to-video generation.

A ``str`` is a URL (``https://…`` or ``data:image/…``) and is sent as ``{"image_url": …}``;
a ``Path``, raw ``bytes``, an open binary file or a ``(filename, bytes, content_type)``
tuple is uploaded as the multipart file part ``input_reference``.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TypeAlias

InputReference: TypeAlias = str | Path | bytes | IO[bytes] | tuple[str, bytes, str | None]
