"""Settings: the one reader of the environment. Built once, passed down; no globals."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from vidgate.domain.catalogue import PriceRule
from vidgate.domain.errors import InvalidRequest
from vidgate.domain.routing import Deployment, RoutingTable

MB = 1024 * 1024
SchemaT = TypeVar("SchemaT", bound=BaseModel)


class Settings(BaseSettings):
    """Every setting, read from ``VIDGATE_*`` environment variables (see docs/settings.md)."""

    model_config = SettingsConfigDict(env_prefix="VIDGATE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    data_dir: Path = Path("data")
    database_url: str | None = None
    log_level: str = "info"

    blob_store: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_prefix: str = ""
    s3_public_endpoint_url: str | None = None

    signing_secret: SecretStr | None = None
    url_ttl_seconds: int = Field(default=24 * 3600, gt=0)

    worker_enabled: bool = True
    worker_engines: str | None = None
    worker_slots: int = Field(default=2, ge=1)
    lease_seconds: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=3, ge=1)
    job_timeout_seconds: float = Field(default=4 * 3600, gt=0)
    claim_interval_seconds: float = Field(default=1.0, gt=0)
    claim_fallback_seconds: float = Field(default=5.0, gt=0)
    health_port: int | None = None

    sandbox_queue_seconds: float = Field(default=1.0, ge=0)
    sandbox_run_seconds: float = Field(default=3.0, ge=0)
    sandbox_failure_rate: float = Field(default=0.0, ge=0, le=1)
    sandbox_max_side: int | None = Field(default=None, ge=16)
    sandbox_max_frames: int | None = Field(default=None, ge=1)

    routing_file: Path | None = None
    pricing_file: Path | None = None
    poll_speedup: float = Field(default=1.0, gt=0)

    image_max_bytes: int = Field(default=20 * MB, gt=0)
    image_fetch_timeout: float = Field(default=10.0, gt=0)
    fetch_allowed_hosts: str = ""
    output_max_bytes: int = Field(default=2048 * MB, gt=0)
    output_download_timeout: float = Field(default=600.0, gt=0)
    vendor_http_connections: int = Field(default=64, gt=0)
    max_request_bytes: int = Field(default=32 * MB, gt=0)
    opentelemetry: bool = False

    webhook_retry_scale: float = Field(default=1.0, gt=0)
    auth_cache_seconds: float = Field(default=5.0, ge=0)

    bootstrap_keys: bool = True

    local_device: str = "auto"
    local_cpu_offload: bool = False
    local_vae_tiling: bool = False
    local_compile: bool = False
    local_offload_text_encoder: bool = False

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vidgate.db').resolve()}"

    @property
    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def allowed_fetch_hosts(self) -> frozenset[str]:
        return frozenset(h.strip() for h in self.fetch_allowed_hosts.split(",") if h.strip())

    @property
    def worker_engine_names(self) -> frozenset[str] | None:
        if not self.worker_engines:
            return None
        names = {n.strip() for n in self.worker_engines.split(",") if n.strip()}
        return frozenset("diffusers" if n == "local" else n for n in names)

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


class _DeploymentFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    engine: str
    base_url: str | None = None
    credentials: dict[str, str] = Field(default_factory=dict)
    vendor_models: dict[str, str] = Field(default_factory=dict)
    max_concurrency: int | None = Field(default=None, ge=1)
    options: dict[str, Any] = Field(default_factory=dict)


class _RoutingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deployments: dict[str, _DeploymentFile] = Field(default_factory=dict)
    routes: dict[str, list[str]] = Field(default_factory=dict)


class _PricingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prices: dict[str, PriceRule] = Field(default_factory=dict)


def load_routing(settings: Settings, environ: Mapping[str, str] | None = None) -> RoutingTable:
    """The routing file, with ``env:NAME`` credential references resolved from ``environ``.

    A credential whose variable is unset resolves to an empty string, so the deployment is
    listed with its credentials marked missing instead of failing the whole file.
    """
    if settings.routing_file is None:
        return RoutingTable()
    env = os.environ if environ is None else environ
    parsed = _parse_toml(settings.routing_file, _RoutingFile)
    deployments = {
        name: Deployment(
            name=name,
            engine=dep.engine,
            base_url=dep.base_url,
            credentials={k: _resolve_secret(v, env) for k, v in dep.credentials.items()},
            vendor_models=dep.vendor_models,
            max_concurrency=dep.max_concurrency,
            options=dep.options,
        )
        for name, dep in parsed.deployments.items()
    }
    routes: dict[str, list[Deployment]] = {}
    for model, names in parsed.routes.items():
        unknown = [n for n in names if n not in deployments and n != "sandbox"]
        if unknown:
            raise InvalidRequest(
                f"routing file {settings.routing_file}: route {model!r} names unknown "
                f"deployments {unknown}"
            )
        routes[model] = [
            deployments.get(n) or Deployment(name="sandbox", engine="sandbox") for n in names
        ]
    return RoutingTable(routes, deployments.values())


def load_prices(settings: Settings) -> dict[str, PriceRule]:
    if settings.pricing_file is None:
        return {}
    return _parse_toml(settings.pricing_file, _PricingFile).prices


def _parse_toml(path: Path, schema: type[SchemaT]) -> SchemaT:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return schema.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise InvalidRequest(f"cannot read {path}: {exc}") from exc


def _resolve_secret(value: str, env: Mapping[str, str]) -> str:
    if value.startswith("env:"):
        return env.get(value[4:], "")
    return value
