"""How a long-running vidgate process sets CPython's garbage collector, once started.

Each full collection walks every object the collector tracks. A worker following ten
thousand vendor jobs holds about half a million (each job's tasks, coroutines, timers),
so one full collection holds the event loop for 150-250 ms. CPython runs one whenever the
objects that survived its younger collections since the last one reach a quarter of the
long-lived ones; every poll's sleep leaves a few such objects behind (they live for the
poll's interval, then die by reference count), so at 1,200 polls a second that came every
2-3 seconds: 7 % of the CPU and most late ticks of the loop. Requiring 100 collections of
the middle generation between two full ones (CPython's default is 10) spaces them about
15 s apart there; garbage in reference cycles, the only kind a full collection frees,
stays rare in a worker (a few hundred objects a minute), so memory barely moves.

What exists when start-up is done (modules, schemas, the runtime) lives as long as the
process: frozen, it is not walked again by any collection.
"""

from __future__ import annotations

import gc

FULL_COLLECTION_SPACING = 100


def settle_after_startup() -> None:
    gc.collect()
    gc.freeze()
    youngest, middle, _ = gc.get_threshold()
    gc.set_threshold(youngest, middle, FULL_COLLECTION_SPACING)
