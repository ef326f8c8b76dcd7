"""The "Hot path" section of docs/benchmarks.md, built from one run's results.

The section sits between two HTML comments, so a rerun replaces it and leaves every other
section of the file (written by other benchmarks) alone. Inside it, the findings that need
a person (what the profile means, what to change) sit between the notes markers: they are
written by hand after a run, and a rerun keeps them (check they still hold).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from doc_sections import write_section

START = "<!-- hot-path:start -->"
END = "<!-- hot-path:end -->"
NOTES_START = "<!-- hot-path:notes:start -->"
NOTES_END = "<!-- hot-path:notes:end -->"
NOTES_PLACEHOLDER = "_No findings written yet for this run._"
PEER = "LiteLLM proxy (master key, no DB) → fake upstream"
RAW_JSON = "raw ASGI: JSON"
FASTAPI = "FastAPI route + vidgate's 2 middlewares: JSON"
RAW_SQLITE = {
    "create": "raw ASGI: SQLite INSERT, WAL, synchronous=NORMAL",
    "poll": "raw ASGI: SQLite SELECT by primary key",
}
BUDGET_CONNECTIONS = 64
SOAK_TOLERANCE_MB = 2.0
Row = dict[str, Any]

# (label, slug, CPU ms/request budget, p99 ms budget, a budget or only for comparison)
BUDGETS = [
    ("create, AIML dialect, sandbox key", "create-aiml-sandbox", 0.25, 25.0, True),
    ("create, `/v1/videos`, sandbox key", "create-openai-sandbox", 0.25, 25.0, True),
    ("poll by id, AIML dialect, sandbox key", "poll-aiml-sandbox", 0.12, 25.0, True),
    ("poll by id, `/v1/videos`, sandbox key", "poll-openai-sandbox", 0.12, 25.0, True),
    ("create, AIML dialect, live key", "create-aiml-live", 0.25, 25.0, False),
    ("create, `/v1/videos`, live key", "create-openai-live", 0.25, 25.0, False),
    ("poll by id, AIML dialect, live key", "poll-aiml-live", 0.12, 25.0, False),
    ("poll by id, `/v1/videos`, live key", "poll-openai-live", 0.12, 25.0, False),
]
IDLE_BUDGET_MB = 80.0


def replace_section(doc: Path, text: str) -> None:
    current = doc.read_text() if doc.exists() else ""
    write_section(
        doc, START, END, text.replace(NOTES_PLACEHOLDER, _kept_notes(current) or NOTES_PLACEHOLDER)
    )


def _kept_notes(current: str) -> str:
    if NOTES_START not in current or NOTES_END not in current:
        return ""
    return current.split(NOTES_START, 1)[1].split(NOTES_END, 1)[0].strip()


def _findings() -> str:
    return f"""### Findings

{NOTES_START}
{NOTES_PLACEHOLDER}
{NOTES_END}
"""


def section(result: dict[str, Any]) -> str:
    parts = [
        _intro(result),
        _budgets(result),
        _findings(),
        _table(result),
        _ratios(result),
        _memory(result),
        _soak(result),
        _rows_explained(result),
        _profiles(result),
        _notes(result),
    ]
    return "\n".join(p for p in parts if p)


def _intro(result: dict[str, Any]) -> str:
    m, v = result["machine"], result["versions"]
    litellm = v.get("litellm", "not run")
    quick = " (**--quick run: 3 s windows, indicative only**)" if result["quick"] else ""
    return f"""## Hot path

Create and poll, at {", ".join(map(str, result["connections"]))} connections, on vidgate,
on LiteLLM's proxy (the peer) and on raw ASGI baselines, all in the same run{quick}.
Made by `bench/hotpath.py` ({result["stamp"]}); raw numbers in
`bench/results/hotpath-{result["stamp"]}.json` (not committed). Rerun, from the
repository root, with the command that made this section:

```bash
{result["command"]}
```

(`--quick` for a 3 s-window look that leaves this file alone; `bench/README.md` has the
rest.) Each row is the median of {result.get("repeat", 1)} windows of
{result["window_seconds"]:g} s (every window is in the JSON), after a 1 s warm-up at the
same concurrency; load from {result["load_generator"]}, closed loop (each connection sends
its next request when the last answer is in).

Machine: {m["cpu"]}, {m["cores"]} cores, {m["memory"]} RAM, {m["kernel"]}.
Versions: Python {v["python"]}, vidgate {v["vidgate"]}, uvicorn {v["uvicorn"]}
(uvloop {v["uvloop"]}, httptools {v["httptools"]}), fastapi {v["fastapi"]},
starlette {v["starlette"]}, pydantic {v["pydantic"]}, sqlalchemy {v["sqlalchemy"]},
SQLite {v["sqlite"]}, litellm {litellm}, {v["wrk"]}.

**The load generator runs on the same 2 cores as the server**, so req/s and latency are
pessimistic (wrk takes a good share of a core at high rates); **CPU ms per request** (the
server's own CPU time divided by the requests it answered) is the figure that holds on a
noisy or shared machine, and the one to compare across runs.
"""


def _budgets(result: dict[str, Any]) -> str:
    rows = _index(result["rows"])
    lines = [
        "### Budgets (issue 7)",
        "",
        f"CPU and p99 at {BUDGET_CONNECTIONS} connections (the other counts are in the table).",
        "",
        "| budget | measured | met? |",
        "|---|---|---|",
    ]
    for label, slug, cpu_budget, p99_budget, binding in BUDGETS:
        row = rows.get((slug, BUDGET_CONNECTIONS))
        suffix = "" if binding else " (not a budget: for comparison)"
        if row is None:
            lines.append(
                f"| {label}: ≤ {cpu_budget} CPU ms/req, p99 < {p99_budget:g} ms"
                f"{suffix} | not measured in this run | — |"
            )
            continue
        cpu, p99 = row["cpu_ms_per_request"], row["p99_ms"]
        lines.append(
            f"| {label}: ≤ {cpu_budget} CPU ms/request{suffix} | {cpu:.3f} ms | "
            f"{_met(cpu <= cpu_budget, binding)} |"
        )
        lines.append(
            f"| {label}: p99 < {p99_budget:g} ms{suffix} | {p99:.1f} ms | "
            f"{_met(p99 < p99_budget, binding)} |"
        )
    idle = result["servers"].get("vidgate serve", {}).get("idle_rss_mb")
    idle_text = f"{idle:.1f} MB" if idle is not None else "not measured"
    idle_met = _met(idle <= IDLE_BUDGET_MB, True) if idle is not None else "—"
    lines.append(
        f"| `vidgate serve` (worker on) idle RSS ≤ {IDLE_BUDGET_MB:g} MB | {idle_text} | "
        f"{idle_met} |"
    )
    lines.append(_soak_budget(result.get("soak")))
    lines.append(
        "| one worker follows 10,000 in-flight vendor jobs ≤ 300 MB, event-loop lag "
        'p99 < 50 ms | measured in `bench/vendor_polling.py` ("Vendor polling") | — |'
    )
    return "\n".join(lines) + "\n"


def _soak_budget(soak: dict[str, Any] | None) -> str:
    label = "no RSS growth over a 10-minute poll run"
    if not soak:
        return f"| {label} | not run this time (`--soak 600`) | — |"
    samples = soak["rss_samples"]
    base_t, base = next(((t, mb) for t, mb in samples if t >= 60), samples[0])
    end_t, end = samples[-1]
    growth = end - base
    tolerance = max(SOAK_TOLERANCE_MB, 0.02 * base)
    text = (
        f"{soak['seconds'] / 60:.1f} min at {soak['rps']:.0f} req/s: {base:.1f} MB at "
        f"{base_t:.0f} s → {end:.1f} MB at {end_t:.0f} s ({growth:+.1f} MB; "
        f"max {max(mb for _, mb in samples):.1f} MB)"
    )
    short = " (shorter than 10 min)" if soak["seconds"] < 590 else ""
    return f"| {label}{short} | {text} | {_met(growth <= tolerance, True)} (≤ {tolerance:.1f} MB) |"


def _met(ok: bool, binding: bool) -> str:
    mark = "yes" if ok else "**no**"
    return mark if binding else f"({mark})"


def _table(result: dict[str, Any]) -> str:
    lines = [
        "### Results",
        "",
        "CPU ms/req: the server's user + system CPU per answered request (system part in"
        " brackets). RSS: before the window → peak during it. Errors: non-2xx answers (wrk"
        " counts status ≥ 400) plus transport errors. Others: cores used by processes other"
        " than the server, the load generator and the fake upstream during the window (other"
        " people's work on this machine: the noise).",
        "",
        "| target | endpoint | conns | req/s | p50 ms | p99 ms | errors | CPU ms/req | RSS MB "
        "| others |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for r in result["rows"]:
        upstream = r.get("upstream_cpu_ms_per_request")
        cpu = f"{r['cpu_ms_per_request']:.3f} ({r.get('cpu_sys_ms_per_request', 0):.3f})"
        if upstream is not None:
            cpu += f" + {upstream:.3f} upstream"
        lines.append(
            f"| {r['target']} | {r['endpoint']} | {r['connections']} | {r['rps']:,.0f} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {cpu} | "
            f"{r['rss_before_mb']:.0f} → {r['rss_peak_mb']:.0f} | "
            f"{r.get('other_processes_cores', 0):.2f} |"
        )
    for s in result["skipped"]:
        lines.append(f"| {s['target']} | {s['endpoint']} | — | skipped: {s['note']} |||||||")
    return "\n".join(lines) + "\n"


def _ratios(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        "### Ratios",
        "",
        "Each vidgate and LiteLLM figure divided by the same figure, at the same connection"
        " count, of the peer (LiteLLM, same kind of request), of the raw limits (raw JSON;"
        " raw SQLite = the INSERT with synchronous=NORMAL for creates, the primary-key SELECT"
        " through stdlib sqlite3 for polls) and of the FastAPI floor (a FastAPI route behind"
        " vidgate's two middlewares). req/s: above 1 is faster. p99, CPU/request and RSS:"
        " below 1 is cheaper.",
        "",
        "| target | endpoint | conns | req/s ÷ peer | ÷ raw JSON | ÷ raw SQLite | ÷ FastAPI | "
        "p99 ÷ peer | ÷ raw JSON | CPU/req ÷ peer | ÷ raw JSON | ÷ raw SQLite | ÷ FastAPI | "
        "RSS ÷ peer |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        if r["dialect"] == "raw":
            continue
        peer = None if r["target"] == PEER else _ref(rows, PEER, r)
        raw, sqlite = _ref(rows, RAW_JSON, r), _ref(rows, RAW_SQLITE[r["kind"]], r)
        floor = _ref(rows, FASTAPI, r)
        cells = [_ratio(r, ref, "rps") for ref in (peer, raw, sqlite, floor)]
        cells += [_ratio(r, ref, "p99_ms") for ref in (peer, raw)]
        cells += [_ratio(r, ref, "cpu_ms_per_request") for ref in (peer, raw, sqlite, floor)]
        cells.append(_ratio(r, peer, "rss_peak_mb"))
        lines.append(
            f"| {r['target']} | {r['endpoint']} | {r['connections']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"


def _ref(rows: list[Row], target: str, row: Row) -> Row | None:
    kind = row["kind"] if target == PEER else None
    return next(
        (
            x
            for x in rows
            if x["target"] == target
            and x["connections"] == row["connections"]
            and (kind is None or x["kind"] == kind)
        ),
        None,
    )


def _ratio(row: Row, ref: Row | None, field: str) -> str:
    if ref is None or not ref[field]:
        return "—"
    return f"{row[field] / ref[field]:.2f}"


def _memory(result: dict[str, Any]) -> str:
    lines = [
        "### Memory of each server",
        "",
        "| server | idle RSS MB | after its windows MB |",
        "|---|--:|--:|",
    ]
    for name, s in result["servers"].items():
        after = s.get("after_rss_mb", s.get("after_pool_rss_mb"))
        lines.append(
            f"| {name} | {s['idle_rss_mb']:.1f} | {f'{after:.1f}' if after is not None else '—'} |"
        )
    lines += [
        "",
        "`vidgate serve` is the default server (worker on), measured 2 s after it answers",
        "`/healthz`, before any request; its second figure is after it rendered the poll pools.",
        "`vidgate serve --no-worker` is the server the vidgate rows were measured on.",
    ]
    imports = result["servers"].get("vidgate serve", {}).get("imports_mb")
    if imports:
        lines += [
            "",
            "Where the idle memory comes from (`bench/hotpath_memory.py`: in a fresh"
            " interpreter, the heavy packages `vidgate serve` imports, one at a time, each"
            " counted for what it adds to the ones before it, then `vidgate.cli.server`):",
            "",
            "| imported | RSS MB added |",
            "|---|--:|",
            *(f"| {name} | {mb:.1f} |" for name, mb in imports.items()),
        ]
    return "\n".join(lines) + "\n"


def _rows_explained(result: dict[str, Any]) -> str:
    pool = result.get("pool_per_case", 25)
    return f"""### What each row measures

- **vidgate, sandbox key / live key → sandbox**: `vidgate serve --no-worker` on SQLite in
  a temporary data directory, `VIDGATE_LOG_LEVEL=warning`, sandbox engine with zero queue
  and run time, a routing file `[routes] "*" = ["sandbox"]`. The sandbox key was made with
  `vidgate keys create --name bench --sandbox`; the live key with `--credits 10^12`, so its
  creates also reserve credits (balance `UPDATE … WHERE balance >= price` plus a ledger row
  in the job's insert transaction) before the job goes to the sandbox. With the worker off,
  a **create** authenticates, validates, prices, inserts the job (and reserves credits for
  the live key) and answers; nothing renders. Every create inserts a new job (no
  idempotency key). A **poll** reads one job that is already `completed` (with its signed
  video URL), rotating through {pool} jobs per dialect and key that a normal
  `vidgate serve` (worker on, same data directory) created and rendered first, before
  being stopped (with `VIDGATE_SANDBOX_MAX_SIDE=64`, `VIDGATE_SANDBOX_MAX_FRAMES=2` and 8
  worker slots, so that builds with the render cap render them in seconds; nothing on the
  poll path depends on the picture). Bodies: AIML `{{"model": "veo2", "prompt": …}}`,
  OpenAI `{{"model": "veo2", "prompt": …, "seconds": "5", "size": "1280x720"}}`, as JSON.
- **LiteLLM proxy → fake upstream** (the peer): `litellm --config … --num_workers 1`, as
  installed by `pip install 'litellm[proxy]'` into `bench/.venvs/litellm`, with a master
  key and no database; `LITELLM_LOG=WARNING` (no access log, like vidgate) and the local
  price map. Its uvicorn runs on uvloop; `litellm[proxy]` does not bring httptools, so
  uvicorn parses HTTP with h11 there (a few hundredths of a millisecond per request, small
  beside LiteLLM's figures). One model group, `veo2`, on LiteLLM's OpenAI video provider
  (`model: openai/sora-2`, `api_base:` the fake). A create is LiteLLM's
  `POST /v1/videos` → a multipart `POST /v1/videos` to the fake, which answers a queued
  `Video`; LiteLLM rewrites the id to `video_<base64 of provider, model id, upstream
  id>`. A poll is `GET /v1/videos/{{that id}}`: LiteLLM decodes the id to pick the
  deployment and forwards `GET /v1/videos/{{upstream id}}`; the fake answers a completed
  `Video` (LiteLLM documents `/videos` for the OpenAI, Azure, Gemini, Vertex and Runway
  providers, proxy included: https://docs.litellm.ai/docs/videos). So LiteLLM's rows
  include an upstream round trip that vidgate's do not have
  (vidgate's work happens in its own store), and vidgate's include a durable SQLite write
  (create) or read (poll) that LiteLLM's do not. The fake's own CPU is reported apart
  ("+ upstream") and not counted in LiteLLM's figure; it shares the 2 cores.
- **raw ASGI** (`bench/hotpath_apps.py`): a bare ASGI callable under uvicorn with the
  options `vidgate serve` uses (uvloop and httptools). JSON: read and parse the create
  body, answer 300 bytes of JSON: the floor for any Python endpoint here. **FastAPI
  route + vidgate's 2 middlewares**: the same JSON work as one FastAPI route
  (`await request.body()`, orjson, a plain `Response`, as vidgate's routes do) behind
  `RequestIds` and `BodySizeLimit` imported from `vidgate.api`: the floor every vidgate
  route stands on before it authenticates or touches the store. SQLite INSERT:
  the same plus one committed INSERT per request (stdlib `sqlite3` on the loop thread, WAL,
  `synchronous=NORMAL` as in vidgate's `store/sql/connections.py`, or `FULL`, which fsyncs
  the WAL at every commit). SQLite SELECT: one primary-key read per GET, with stdlib
  `sqlite3` on the loop thread.
"""


def _soak(result: dict[str, Any]) -> str:
    soak = result.get("soak")
    if not soak:
        return ""
    samples = ", ".join(f"{mb:.1f}" for _, mb in soak["rss_samples"])
    return f"""### Soak

`vidgate serve` (worker on, the default server, idle worker: every job in the data
directory is finished) polled for {soak["seconds"]:.0f} s at {soak["connections"]}
connections by wrk, rotating through the completed jobs of both dialects (sandbox key):
{soak["requests"]:,} requests, {soak["rps"]:.0f} req/s, p99 {soak["p99_ms"]:.1f} ms,
{soak["errors"]} errors, {soak["cpu_ms_per_request"]:.3f} CPU ms/request. RSS every 10 s
(MB): {samples}.
"""


def _profiles(result: dict[str, Any]) -> str:
    profiles = result.get("profiles") or {}
    statements = result.get("statements") or {}
    if not profiles and not statements:
        return ""
    lines = ["### Where the time goes", ""]
    if statements and "error" not in statements:
        lines += [
            "Database work per request, counted in-process (`bench/hotpath_statements.py`:"
            " the same settings and data, requests through `httpx.ASGITransport`, caches warm)."
            " SQL statements are every statement SQLite ran (its trace callback), `BEGIN` and"
            " `COMMIT` included; a thread hop is one call handed to a thread (SQLite's writer"
            " or readers) and back.",
            "",
            "| request | SQL statements | thread hops | statements |",
            "|---|--:|--:|---|",
        ]
        for slug, c in statements.items():
            listed = "; ".join(
                f"`{text}…`" if len(text) >= 70 else f"`{text}`" for text in c["statements"]
            )
            hops = f"{c['thread_hops_per_request']:g}"
            if c["hops"]:
                hops += f" ({', '.join(f'{k} {v:g}' for k, v in c['hops'].items())})"
            lines.append(f"| {slug} | {c['statements_per_request']:g} | {hops} | {listed} |")
        lines.append("")
    if profiles:
        lines += [
            "py-spy (`record --gil --rate 250 --function`) over one extra window per path at"
            " the highest connection count, not the measured ones (sampling pauses the"
            " process). Only samples where a thread holds the GIL: py-spy cannot tell"
            " uvloop's epoll wait and idle threads' queue waits from work, so without `--gil` they"
            " fill half the profile. SQLite's own C work releases the GIL and so is not in it"
            " (the raw SQLite rows bound it); orjson, httptools and uvloop callbacks count for"
            " their Python caller. Self = innermost frame; total = anywhere on the stack"
            " (vidgate's own functions only).",
            "",
        ]
    for p in profiles.values():
        lines += [
            f"**{p['case']}**: {p['samples']} samples, GIL held "
            f"{100 * p.get('gil_held_share', 0):.0f}% of the window (`{p['raw']}`)",
            "",
        ]
        lines.append(
            "- self time by package: "
            + ", ".join(f"{name} {share:.0f}%" for name, share in p["self_by_package"][:10])
        )
        lines.append(
            "- top self: "
            + "; ".join(f"`{name}` {share:.1f}%" for name, share in p["self_top"][:10])
        )
        lines.append(
            "- vidgate, total: "
            + "; ".join(f"`{name}` {share:.0f}%" for name, share in p["total_top"][:10])
        )
        lines.append("")
    return "\n".join(lines)


def _notes(result: dict[str, Any]) -> str:
    return """### Reading the figures

- CPU ms/request includes everything the server process did in the window: the HTTP
  parsing, the application, SQLite (on the loop's thread, or the writer's and readers'
  threads of the same process) and garbage collection. It is measured from /proc at
  10 ms resolution over the window, so it is good to about ±0.01 ms/request at these
  request counts.
- At 1 connection, latency is one request's service time plus wrk's and the kernel's
  round trip; at 64, it is mostly queueing behind the other 63 on one event loop.
- The peer does different work (an upstream round trip instead of a database); the ratios
  compare what a user gets from each gateway on this machine, not equal work.
"""


def _index(rows: list[Row]) -> dict[tuple[str, int], Row]:
    return {
        (r["slug"], r["connections"]): r
        for r in rows
        if r["dialect"] != "raw" and r["target"] != PEER
    }
