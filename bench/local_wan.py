"""Benchmark the local engine's Wan 2.1 T2V 1.3B pipeline on a GPU.

    python bench/local_wan.py --model-dir /models/Wan2.1-T2V-1.3B-Diffusers
    python bench/local_wan.py --device cpu --tiny     # exercises the script, no GPU needed

For the default settings and each speed or memory setting, in a fresh process each (so one
setting's memory peak or compiled graphs never leak into the next), it measures: load time,
a short warm-up (where torch.compile compiles), seconds per denoising step, end-to-end
seconds for one 480p 81-frame video (prompt encoding, denoising, VAE decode, MP4 encode),
and peak GPU memory. It prints a table, writes it as markdown, and sets the results beside
the published anchors in /work/shared/specs/local-inference.md (section 8). It loads and
runs through ``vidgate.engines.diffusers.pipeline``, the code the engine's child runs.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from vidgate.engines.diffusers.engine import install_hint, missing_packages
from vidgate.engines.diffusers.families import WAN_T2V
from vidgate.engines.diffusers.messages import GenerationRequest, PipelineSettings

SETTINGS = ("default", "cpu_offload", "offload_text_encoder", "vae_tiling", "compile")
PROMPT = "A cat walks on the grass, realistic, golden hour, shallow depth of field."
ANCHORS = """\
Published anchors (other GPUs, other stacks: compare like with like):

| anchor | setting | published |
|---|---|---|
| Official Wan2.1 README | 1.3B, 480p 5 s, RTX 4090, offload + T5 on CPU | 240 s, 8.19 GB |
| FastVideo blog | 1.3B 480p 5 s, H200, FlashAttention-2, 50 steps | 95.2 s denoising |
| FastWan2.1-1.3B (3-step DMD + sparse attention) | H200 / RTX 4090 | 5 s / 21 s end to end |
| torch.compile (diffusers benchmarks) | per forward, H100 | about 1.3x |
"""


@dataclass(frozen=True, slots=True)
class Measurement:
    setting: str
    load_s: float = 0.0
    warmup_s: float = 0.0
    step_s: float = 0.0
    end_to_end_s: float = 0.0
    peak_gib: float | None = None
    error: str = ""

    def fifty_step_s(self, steps: int) -> float:
        """End to end scaled to the 50 steps the anchors use."""
        return self.end_to_end_s + (50 - steps) * self.step_s


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    refusal = _refusal(args)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = _tiny_folder(Path(scratch)) if args.tiny else args.model_dir
        request = _request(args)
        results = [
            _measure_in_fresh_process(name, model_dir, args, request) for name in args.settings
        ]
    report = _report(results, args, request)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(f"written to {args.out}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="the Wan2.1-T2V-1.3B-Diffusers folder")
    parser.add_argument("--device", default="cuda", help="cuda, cuda:N, or cpu with --tiny")
    parser.add_argument("--tiny", action="store_true", help="a tiny random model at 32x32")
    parser.add_argument("--steps", type=int, default=30, help="denoising steps (catalogue: 30)")
    parser.add_argument("--warmup-steps", type=int, default=2)
    parser.add_argument(
        "--settings",
        type=lambda text: [s for s in text.split(",") if s],
        default=list(SETTINGS),
        help=f"comma-separated, from {', '.join(SETTINGS)}",
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/local_wan.md"))
    return parser


def _refusal(args: argparse.Namespace) -> str:
    missing = missing_packages()
    if missing:
        return install_hint(missing)
    unknown = sorted(set(args.settings) - set(SETTINGS))
    if unknown:
        return f"unknown settings {', '.join(unknown)}; choose from {', '.join(SETTINGS)}"
    if args.device == "cpu":
        return (
            ""
            if args.tiny
            else (
                "Refusing to benchmark the real model on a CPU: one step at 480p and 81 frames "
                "takes about an hour there. Use a GPU, or --device cpu --tiny to exercise this "
                "script on a tiny random model."
            )
        )
    if not args.tiny and args.model_dir is None:
        return "--model-dir is required (the Wan2.1-T2V-1.3B-Diffusers folder)"
    import torch

    if not torch.cuda.is_available():
        return (
            "No CUDA GPU is visible to torch here, so there is nothing to measure. Run this on "
            "a GPU machine with the real weights, or use --device cpu --tiny to exercise it."
        )
    return ""


def _tiny_folder(scratch: Path) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests/
    from tests.support.tiny_wan import build_tiny_wan

    return build_tiny_wan(scratch / "tiny-wan")


def _request(args: argparse.Namespace) -> GenerationRequest:
    width, height, frames = (32, 32, 9) if args.tiny else (832, 480, 81)
    return GenerationRequest(
        prompt=PROMPT,
        negative_prompt=None,
        width=width,
        height=height,
        frames=frames,
        fps=16,
        steps=args.steps,
        guidance_scale=5.0,
        flow_shift=3.0,
        sampler="unipc",
        seed=0,
    )


def _measure_in_fresh_process(
    setting: str, model_dir: Path, args: argparse.Namespace, request: GenerationRequest
) -> Measurement:
    switches = {} if setting == "default" else {setting: True}
    settings = PipelineSettings(model_dir=str(model_dir), device=args.device, **switches)
    print(f"measuring {setting} ...", file=sys.stderr, flush=True)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure, setting, settings, request, args.warmup_steps).result()


def measure(
    setting: str, settings: PipelineSettings, request: GenerationRequest, warmup_steps: int
) -> Measurement:
    """One setting, in this (fresh) process. Errors become a row, not a crash."""
    try:
        return _measure(setting, settings, request, warmup_steps)
    except Exception as exc:  # noqa: BLE001 - a failing setting is a result to report
        return Measurement(setting, error=f"{type(exc).__name__}: {exc}"[:200])


def _measure(
    setting: str, settings: PipelineSettings, request: GenerationRequest, warmup_steps: int
) -> Measurement:
    import diffusers  # noqa: F401 - imported before the clock starts: load time is the weights
    import torch

    from vidgate.engines.diffusers import pipeline
    from vidgate.media.encode import write_mp4

    started = time.perf_counter()
    loaded = pipeline.load_pipeline(WAN_T2V, settings)
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    pipeline.generate(loaded, replace(request, steps=warmup_steps), lambda _s, _t: None)
    warmup_s = time.perf_counter() - started

    cuda = torch.cuda.is_available() and settings.device != "cpu"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    stamps: list[float] = []
    started = time.perf_counter()
    frames = pipeline.generate(loaded, request, lambda _s, _t: stamps.append(time.perf_counter()))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "out.mp4"
        write_mp4(path, frames, width=request.width, height=request.height, fps=request.fps)
    end_to_end_s = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else None
    return Measurement(setting, load_s, warmup_s, _per_step(started, stamps), end_to_end_s, peak)


def _per_step(started: float, stamps: list[float]) -> float:
    # The first interval also holds prompt encoding; the median of the rest is the step.
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    return statistics.median(gaps) if gaps else stamps[0] - started


def _report(
    results: list[Measurement], args: argparse.Namespace, request: GenerationRequest
) -> str:
    lines = [
        "# Local Wan 2.1 T2V 1.3B benchmark",
        "",
        f"{_device_name(args.device)}; {request.width}x{request.height}, {request.frames} frames, "
        f"{request.steps} steps (+{args.warmup_steps} warm-up), guidance {request.guidance_scale}"
        f"{', TINY random model' if args.tiny else ''}.",
        "",
        "| setting | load s | warm-up s | s/step | end-to-end s | 50-step est. s | peak GPU GiB |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [_row(result, request.steps) for result in results]
    if args.device == "cpu":
        lines += ["", "On a CPU, cpu_offload and offload_text_encoder change nothing."]
    return "\n".join([*lines, "", *_comparison(results, request.steps), "", ANCHORS])


def _comparison(results: list[Measurement], steps: int) -> list[str]:
    by_setting = {r.setting: r for r in results if not r.error}
    lines = ["Against the anchors (50-step estimates):", ""]
    if "default" in by_setting:
        default = by_setting["default"]
        lines.append(
            f"- default: {default.fifty_step_s(steps):.0f} s end to end, "
            f"{50 * default.step_s:.0f} s of denoising (FastVideo, H200, FA2: 95.2 s)"
        )
    if "cpu_offload" in by_setting:
        offload = by_setting["cpu_offload"]
        peak = f"{offload.peak_gib:.2f} GiB" if offload.peak_gib is not None else "n/a"
        lines.append(
            f"- cpu_offload: {offload.fifty_step_s(steps):.0f} s, peak {peak} "
            "(official Wan2.1, RTX 4090, offload + T5 on CPU: about 240 s, 8.19 GB)"
        )
    if {"default", "compile"} <= by_setting.keys() and by_setting["compile"].step_s:
        speedup = by_setting["default"].step_s / by_setting["compile"].step_s
        lines.append(f"- compile: {speedup:.2f}x per step (diffusers benchmarks: about 1.3x)")
    return lines


def _row(result: Measurement, steps: int) -> str:
    if result.error:
        return f"| {result.setting} | failed: {result.error} | | | | | |"
    peak = f"{result.peak_gib:.2f}" if result.peak_gib is not None else "n/a"
    return (
        f"| {result.setting} | {result.load_s:.1f} | {result.warmup_s:.1f} | "
        f"{result.step_s:.3f} | {result.end_to_end_s:.1f} | {result.fifty_step_s(steps):.1f} "
        f"| {peak} |"
    )


def _device_name(device: str) -> str:
    if device == "cpu":
        return "CPU"
    import torch

    return f"{torch.cuda.get_device_name(device)} ({device})"


if __name__ == "__main__":
    sys.exit(main())
