"""Job ids and the buffered random bytes behind them."""

from __future__ import annotations

import os

from vidgate.domain.ids import _RandomBytes, new_job_id, random_seed


def test_takes_never_repeat_across_refills() -> None:
    source = _RandomBytes(chunk=64)

    taken = [source.take(10) for _ in range(1_000)]

    assert all(len(t) == 10 for t in taken)
    assert len(set(taken)) == len(taken)


def test_a_take_larger_than_the_buffer_is_served_whole() -> None:
    assert len(_RandomBytes(chunk=16).take(100)) == 100


def test_a_forked_child_does_not_hand_out_its_parents_bytes() -> None:
    source = _RandomBytes()
    source.take(1)  # the buffer is full now; a fork would copy it
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, source.take(32))
        os._exit(0)
    os.waitpid(pid, 0)
    childs = os.read(read, 32)

    assert childs != source.take(32)


def test_job_ids_sort_by_creation_and_seeds_fit_31_bits() -> None:
    ids = [new_job_id() for _ in range(200)]
    seeds = [random_seed() for _ in range(1_000)]

    assert all(i.startswith("video_") and len(i) == 6 + 32 for i in ids)
    assert [i[:18] for i in ids] == sorted(i[:18] for i in ids)
    assert len(set(ids)) == 200
    assert all(0 <= s < 2**31 for s in seeds) and len(set(seeds)) > 990
