"""When a release is likely to be done: a seeded Monte Carlo over weekly figures.

A forecast runs `TRIALS` trials, each drawing weekly throughput (product-wide stories or
points done per week, or closed sprints' points per week: `velocity.py`) at random from
the samples until the remaining work is done; p50 and p85 are the median and 85th
percentile completion dates. The random generator is seeded from the release id and the
head commit id, so two builds of a commit are byte-identical. No forecast when nothing was
done in those weeks or nothing remains.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import random
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from itertools import accumulate

from .model import Commit, Forecast

TRIALS = 1000
"""The Monte Carlo runs of a forecast."""
LONGEST = 520
"""Most weeks a trial runs (ten years): a trickle of throughput cannot loop for ever."""
BLOCK = 4096
"""The generator's words drawn at once by `draws`."""


def release_forecast(
    release: str,
    unit: str,
    remaining: float,
    samples: tuple[Mapping[str, tuple[float, ...]], tuple[float, ...]],
    head: Commit,
) -> Forecast | None:
    """A release's forecast, seeded from it and the head commit. `samples` are the product's
    weekly throughput by unit and the closed sprints' velocity: a release counted in points
    draws from the velocity when any sprint completed points, else from the throughput."""
    throughput, velocity = samples
    seed = f"{release}\0{head.sha}"
    if unit == "points" and any(sample > 0 for sample in velocity):
        drawn = forecast(remaining, velocity, seed, head.day)
        return dataclasses.replace(drawn, basis="velocity") if drawn is not None else None
    return forecast(remaining, throughput[unit], seed, head.day)


def forecast(
    remaining: float, samples: tuple[float, ...], seed_text: str, head_day: date
) -> Forecast | None:
    """p50 and p85 completion dates over `TRIALS` seeded runs; None without throughput."""
    if remaining <= 0 or not any(sample > 0 for sample in samples):
        return None
    rng = random.Random(int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big"))
    if _whole(remaining, samples):
        weeks = _whole_trials(int(remaining), samples, rng)
    else:
        weeks = _trials(remaining, samples, rng)
    weeks.sort()

    def percentile(share: float) -> date:
        return head_day + timedelta(weeks=weeks[math.ceil(share * TRIALS) - 1])

    return Forecast(percentile(0.5), percentile(0.85), samples)


def _trials(remaining: float, samples: tuple[float, ...], rng: random.Random) -> list[int]:
    """Each trial's weeks: draws taken away from what remains until nothing does."""
    drawn = draws(rng, samples)
    weeks: list[int] = []
    for _ in range(TRIALS):
        left, count = remaining, 0
        while left > 0 and count < LONGEST:
            left -= next(drawn)
            count += 1
        weeks.append(count)
    return weeks


def _whole(remaining: float, samples: tuple[float, ...]) -> bool:
    """Whether every figure is a whole number, small enough that any sum of the draws is
    exact: then a trial's weeks can be found in the running totals of the draws."""
    top = max(samples) * LONGEST * TRIALS + remaining
    return (
        float(remaining).is_integer()
        and all(sample >= 0 and float(sample).is_integer() for sample in samples)
        and top < 2**53
    )


def _whole_trials(remaining: int, samples: tuple[float, ...], rng: random.Random) -> list[int]:
    """`_trials` for whole figures, the same weeks found faster: a trial from draw `start`
    ends at the first running total (`totals[i]`, the first `i` draws) that reaches the
    remaining work past `totals[start]`, or after `LONGEST` weeks; the next starts there."""
    totals: list[float] = [0.0]
    blocks = tries(rng, len(samples))
    weeks: list[int] = []
    start = 0
    for _ in range(TRIALS):
        while len(totals) <= start + LONGEST:
            added = accumulate(map(samples.__getitem__, next(blocks)), initial=totals[-1])
            next(added)  # the initial total is the last one already kept
            totals.extend(added)
        end = bisect_left(totals, totals[start] + remaining, start + 1, start + LONGEST + 1)
        count = min(end - start, LONGEST)
        weeks.append(count)
        start += count
    return weeks


def draws(rng: random.Random, samples: tuple[float, ...]) -> Iterator[float]:
    """The samples `rng.choice(samples)` would draw, one call after another (see `tries`)."""
    for block in tries(rng, len(samples)):
        yield from map(samples.__getitem__, block)


def tries(rng: random.Random, count: int) -> Iterator[Sequence[int]]:
    """The indices `rng.choice` picks from `count` samples, one call after another, a block at
    a time (a forecast draws hundreds of thousands: one call each was most of its cost).

    CPython's `choice` takes the top `k` bits (the bit length of the count) of one 32-bit
    word of the generator per try and tries again when they are the count or more;
    `getrandbits(32 * n)` gives `n` such words, least significant first. So the top byte of
    each word, shifted, is a try: the same picks in the same order, which a test checks
    against `choice` itself. Counts of more than 255 take `choice` as it is.
    """
    bits = count.bit_length()
    if not count:
        raise IndexError("no samples to draw from")
    if bits > 8:
        every = range(count)
        while True:
            yield [rng.choice(every) for _ in range(BLOCK)]
    shift = 8 - bits
    picks = bytes(byte >> shift for byte in range(256))
    refused = bytes(byte for byte in range(256) if byte >> shift >= count)
    while True:
        words = rng.getrandbits(32 * BLOCK).to_bytes(4 * BLOCK, "little")
        yield words[3::4].translate(picks, refused)
