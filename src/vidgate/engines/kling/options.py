"""Per-deployment settings of the Kling engine, read from ``Deployment.base_url``/``options``.

Options:
    region                  "global" (default, api-singapore.klingai.com) or "china"
                            (api-beijing.klingai.com); ``base_url``, when set, wins.
                            Keys of one region do not work on the other.
    recover_by_external_id  false (default) or true. When vidgate lost track of a create call
                            (a crash while submitting, a connection cut after sending, or
                            Kling refusing a retry as a duplicate ``external_task_id``), look
                            the task up by its external id and follow it instead of failing
                            the job as ``UpstreamLost``. Off by default: the docs say the query
                            path takes either id, but that form is not confirmed.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from vidgate.engines.options import DeploymentOptions

Region = Literal["global", "china"]

REGION_BASE_URLS: dict[Region, str] = {
    "global": "https://api-singapore.klingai.com",
    "china": "https://api-beijing.klingai.com",
}


class KlingOptions(DeploymentOptions):
    engine: ClassVar[str] = "kling"

    region: Region = "global"
    recover_by_external_id: bool = False

    def default_base_url(self) -> str:
        return REGION_BASE_URLS[self.region]
