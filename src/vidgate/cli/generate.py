"""``vidgate generate``: one video through the SDK (``vidgate.client``) and /v1/videos:
create it, show its progress live, stream the result to a file. It asks the server about
the model (nothing here imports the server's code)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from vidgate.client import APIError, Client, InputReference, ParamValue, Video, WaitTimeout

console = Console(highlight=False)
URL_SCHEMES = ("https://", "http://", "data:")


def generate(
    model: Annotated[str, typer.Argument(help="A model id, e.g. video-01 (see `vidgate models`)")],
    prompt: Annotated[str, typer.Argument(help="What should happen in the video")],
    image: Annotated[
        str | None, typer.Option(help="First frame: a file to upload, or an http(s)/data: URL")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(help="A model field key=value (JSON value or text), e.g. seconds=5"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Where to save the MP4")] = None,
    base_url: Annotated[str, typer.Option(envvar="VIDGATE_BASE_URL")] = "http://127.0.0.1:8000",
    key: Annotated[str | None, typer.Option(envvar="VIDGATE_API_KEY", help="API key")] = None,
    timeout: Annotated[float, typer.Option(help="Stop waiting after this many seconds")] = 1800,
) -> None:
    """Generate one video and download it."""
    if not key:
        console.print("[red]an API key is needed: --key or VIDGATE_API_KEY[/red]")
        raise typer.Exit(2)
    params = parse_params(param or [])
    reference = input_reference(image)
    with Client(base_url=base_url, api_key=key) as client:
        try:
            video = _follow(client, model, prompt, reference, params, timeout)
            target = out or Path(f"{video.id}.mp4")
            with console.status(f"downloading {video.id}"):
                client.videos.download(video.id, target)
        except WaitTimeout as error:
            console.print(f"[red]gave up after {timeout:g} s; {error.video.id} goes on[/red]")
            raise typer.Exit(1) from None
        except APIError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
    console.print(f"saved [bold]{target}[/bold] ({target.stat().st_size} bytes)")


def parse_params(items: list[str]) -> dict[str, ParamValue]:
    """``key=value`` pairs; a value that parses as JSON is sent as that JSON value."""
    params: dict[str, ParamValue] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"--param {item!r}: expected key=value")
        try:
            params[name] = json.loads(raw)
        except json.JSONDecodeError:
            params[name] = raw
    return params


def input_reference(image: str | None) -> InputReference | None:
    """A URL as is (sent as ``image_url``); anything else is a file to upload."""
    if image is None or image.startswith(URL_SCHEMES):
        return image
    path = Path(image)
    if not path.is_file():
        raise typer.BadParameter(f"--image {image!r}: no such file (or use an https:// URL)")
    return path


def _follow(
    client: Client,
    model: str,
    prompt: str,
    reference: InputReference | None,
    params: dict[str, ParamValue],
    timeout: float,
) -> Video:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"{model}: creating", total=100)

        def show(video: Video) -> None:
            progress.update(task, completed=video.progress, description=_line(video))

        video = client.generate(
            model,
            prompt,
            input_reference=reference,
            timeout=timeout,
            on_progress=show,
            extra_body=params,
        )
    if video.status != "completed":
        error = video.error
        detail = f"{error.code}: {error.message}" if error else "no reason given"
        console.print(f"[red]{video.id} {video.status}: {detail}[/red]")
        raise typer.Exit(1)
    return video


def _line(video: Video) -> str:
    return f"{video.id}: {video.status.replace('_', ' ')}"
