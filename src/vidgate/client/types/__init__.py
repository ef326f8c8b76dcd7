"""Wire types of the /v1/videos API, one per module; unknown fields are kept."""

from vidgate.client.types.input_reference import InputReference
from vidgate.client.types.param_value import ParamValue
from vidgate.client.types.video import Video, VideoStatus
from vidgate.client.types.video_deleted import VideoDeleted
from vidgate.client.types.video_error import VideoError
from vidgate.client.types.video_list import VideoList
from vidgate.client.types.video_usage import VideoUsage

__all__ = [
    "InputReference",
    "ParamValue",
    "Video",
    "VideoDeleted",
    "VideoError",
    "VideoList",
    "VideoStatus",
    "VideoUsage",
]
