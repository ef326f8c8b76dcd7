"""Alibaba Cloud DashScope (Model Studio): Wan 2.1 text-to-video (``wan2.1-t2v-turbo`` /
``wanx2.1-t2v-turbo``), region chosen per deployment (see ``options.py``)."""

from vidgate.engines.alibaba.engine import AlibabaEngine

__all__ = ["AlibabaEngine"]
