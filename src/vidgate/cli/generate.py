"""``vidgate generate``: create a generation, show its progress, download the video."""

from __future__ import annotations

import base64
import json
import mimetypes
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from vidgate.domain.seed_catalogue import seed_catalogue

console = Console(highlight=False)


def generate(
    model: Annotated[str, typer.Argument(help="A model id, e.g. video-01 (see `vidgate models`)")],
    prompt: Annotated[str, typer.Argument(help="What should happen in the video")],
    image: Annotated[
        str | None, typer.Option(help="First frame: a file path or an https URL")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(help="Extra parameter key=value (JSON value or text); repeatable"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Where to save the MP4")] = None,
    base_url: Annotated[str, typer.Option(envvar="VIDGATE_BASE_URL")] = "http://127.0.0.1:8000",
    key: Annotated[str | None, typer.Option(envvar="VIDGATE_API_KEY", help="API key")] = None,
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds")] = 1800,
) -> None:
    """Generate one video and download it."""
    if not key:
        console.print("[red]an API key is needed: --key or VIDGATE_API_KEY[/red]")
        raise typer.Exit(2)
    body = _request_body(model, prompt, image, param or [])
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        created = _checked(client.post("/v2/video/generations", json=body))
        job = _follow(client, created["id"], timeout)
        if job["status"] != "completed":
            error = job.get("error") or {}
            console.print(
                f"[red]{job['status']}: {error.get('name')}: {error.get('message')}[/red]"
            )
            raise typer.Exit(1)
        target = out or Path(f"{job['id']}.mp4")
        _download(client, job["video"]["url"], target)
    console.print(f"saved [bold]{target}[/bold] ({target.stat().st_size} bytes)")


def _request_body(model: str, prompt: str, image: str | None, params: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "prompt": prompt}
    for item in params:
        name, sep, raw = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"--param {item!r}: expected key=value")
        try:
            body[name] = json.loads(raw)
        except json.JSONDecodeError:
            body[name] = raw
    if image is not None:
        body[_image_field(model)] = _image_reference(image)
    return body


def _image_field(model: str) -> str:
    spec = seed_catalogue().get(model)
    if spec is None:
        return "image_url"
    fields = [n for n, p in spec.params.items() if p.image_role == "first_frame"]
    if not fields:
        raise typer.BadParameter(f"model {model!r} takes no input image")
    name = fields[0]
    return {v: k for k, v in spec.unified_aliases.items()}.get(name, name)


def _image_reference(image: str) -> str:
    if image.startswith(("https://", "http://", "data:")):
        return image
    path = Path(image)
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _follow(client: httpx.Client, job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"{job_id}: queued", total=100)
        while True:
            job = _checked(client.get("/v2/video/generations", params={"generation_id": job_id}))
            progress.update(
                task, completed=job.get("progress", 0), description=f"{job_id}: {job['status']}"
            )
            if job["status"] in ("completed", "error"):
                return job
            if time.monotonic() > deadline:
                console.print(f"[red]gave up after {timeout:.0f} s; the job goes on[/red]")
                raise typer.Exit(1)
            time.sleep(1.0)


def _download(client: httpx.Client, url: str, target: Path) -> None:
    with client.stream("GET", url) as response:
        response.raise_for_status()
        with target.open("wb") as handle:
            for chunk in response.iter_bytes(1024 * 1024):
                handle.write(chunk)


def _checked(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        try:
            error = response.json().get("error", {})
            message = f"{error.get('name')}: {error.get('message')}"
        except ValueError:
            message = response.text
        console.print(f"[red]HTTP {response.status_code}: {message}[/red]")
        raise typer.Exit(1)
    data: dict[str, Any] = response.json()
    return data
