"""py-spy over one load window, and the summary the report prints from it.

``py-spy record --gil --format raw --function`` writes collapsed stacks ("frame;…;frame
count") of the thread holding the GIL, one line per distinct stack, frames aggregated per
function. Only GIL-holding samples, because py-spy's idle detection misses the two ways
this server waits (uvloop's epoll and its threads blocked on their queues), which
otherwise show up as half the "busy" samples. The price: C code that releases the GIL
(SQLite's own work inside sqlite3, socket syscalls) is not in the profile; C code that
keeps it (orjson, httptools, uvloop's callbacks) counts for its Python caller. Self time
is the samples in which a function is the innermost frame; total time the samples in
which it appears at all. The GIL-held share of the window is reported beside.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PY_SPY = Path(sys.executable).with_name("py-spy")
RATE = 250
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """Start sampling ``pid`` for ``seconds``; the caller drives load meanwhile, then waits."""
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [str(PY_SPY), "record", "--pid", str(pid), "--duration", str(int(seconds))]
    command += ["--rate", str(RATE), "--gil", "--full-filenames", "--function"]
    command += ["--format", "raw", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def available() -> bool:
    return PY_SPY.exists()


@dataclass(frozen=True, slots=True)
class Profile:
    samples: int
    self_top: list[tuple[str, float]]
    total_top: list[tuple[str, float]]
    by_package: list[tuple[str, float]]

    def as_dict(self, seconds: float) -> dict[str, object]:
        return {
            "samples": self.samples,
            "gil_held_share": self.samples / (RATE * seconds),
            "self_top": self.self_top,
            "total_top": self.total_top,
            "self_by_package": self.by_package,
        }


def summarise(raw: Path, top: int = 12) -> Profile:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    package: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_name(f) for f in stack.split(";")]
        samples += count
        own[frames[-1]] += count
        package[_package(stack.split(";")[-1])] += count
        for name in set(frames):
            total[name] += count
    return Profile(
        samples,
        _shares(own, samples, top),
        _shares(_own_code(total), samples, top),
        _shares(package, samples, top),
    )


def _shares(counter: Counter[str], samples: int, top: int) -> list[tuple[str, float]]:
    return [(name, 100 * n / samples) for name, n in counter.most_common(top)] if samples else []


def _own_code(total: Counter[str]) -> Counter[str]:
    """vidgate's functions (not the CLI's, which every request's stack starts from)."""
    return Counter(
        {
            k: v
            for k, v in total.items()
            if "(vidgate/" in k and "(vidgate/cli/" not in k and not k.startswith("<module>")
        }
    )


def _name(frame: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    return f"{match['func']} ({_short(match['file'])})"


def _short(path: str) -> str:
    for anchor in ("site-packages/", "/src/", "/lib/python3"):
        if anchor in path:
            tail = path.split(anchor, 1)[1]
            return tail.split("/", 1)[1] if anchor == "/lib/python3" else tail
    return path


def _package(frame: str) -> str:
    match = FRAME.match(frame)
    path = match["file"] if match else frame
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/src/vidgate/" in path:
        parts = path.split("/src/vidgate/", 1)[1].split("/")
        return "vidgate." + parts[0].removesuffix(".py")
    if "/lib/python3" in path:
        parts = path.split("/lib/python3", 1)[1].split("/")
        return "stdlib " + (parts[1].removesuffix(".py") if len(parts) > 1 else "?")
    return path
