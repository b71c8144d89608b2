"""One day of dossiers as numbers: who, which procedure, when received, due, supplemented, finished.

Times are Vietnam wall-clock seconds since 1970-01-01 (int64); -1 means "no such time".
Everything is drawn with numpy from a generator seeded by (seed, day), so a day's dossiers
do not depend on how the run is chunked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from kpixa.rules.codes import WITH_RESULT, Channel, DossierStatus
from kpixa.workdays.calendar import WorkCalendar

from .catalogue import Catalogue
from .clock import due_times
from .profiles import Profiles

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAY = 86_400
HOUR = 3_600
MORNING = (7 * HOUR + 30 * 60, 11 * HOUR + 30 * 60)
AFTERNOON = (13 * HOUR, 17 * HOUR)
MAX_SUPPLEMENTS = 3
# Rare endings: refused at the counter (3), withdrawn by the citizen (7), stopped (8).
REFUSED, WITHDRAWN, STOPPED = 0.008, 0.005, 0.003
RETURNED_SHARE = 0.9  # finished dossiers whose result was handed over (10) rather than ready (9)


@dataclass
class Supplements:
    """Up to MAX_SUPPLEMENTS supplement requests per dossier (columns = request number)."""

    count: IntArray
    requested: IntArray  # shape (n, MAX_SUPPLEMENTS)
    answered: IntArray
    due_before: IntArray
    due_after: IntArray


@dataclass
class DayFrame:
    """The dossiers received on one day, as parallel arrays."""

    day: date
    commune: IntArray
    seq: IntArray  # 1-based number of the dossier within its commune and day
    procedure: IntArray
    channel: IntArray  # 1 in person, 2 online, 3 postal
    submitted: IntArray
    received: IntArray
    due: IntArray
    sup: Supplements
    end: IntArray  # end of processing (-1 while open)
    returned: IntArray
    status: IntArray
    fee: IntArray  # VND, 0 for a fee-free dossier
    paid_online: IntArray  # DuocThanhToanTrucTuyen: 0, 1 (DVCQG) or 2 (provincial gateway)
    docs: IntArray  # number of submitted documents (1–3)
    doc_flags: IntArray  # (n, 3): bit 1 digitised, bit 2 reused, bit 4 from the national store
    vneid: BoolArray
    e_result: BoolArray
    extra: dict[str, npt.NDArray[np.object_]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.commune)


@dataclass(frozen=True)
class Context:
    """Everything shared by all days of a run."""

    seed: int
    catalogue: Catalogue
    profiles: Profiles
    calendar: WorkCalendar
    as_of: int  # the run's end: dossiers unfinished then are open
    month0: date  # first month of the run (drift counts months from it)


def day_seconds(day: date) -> int:
    """Local seconds since 1970 of the day's midnight."""
    return (day.toordinal() - date(1970, 1, 1).toordinal()) * DAY


def build_day(ctx: Context, day: date, expected: FloatArray) -> DayFrame:
    """Draw the dossiers received on ``day``; ``expected`` is each commune's expected count."""
    rng = np.random.default_rng([ctx.seed, 11, day.toordinal()])
    counts = rng.poisson(expected)
    commune = np.repeat(np.arange(len(counts)), counts)
    n = len(commune)
    starts = np.cumsum(counts) - counts
    seq = np.arange(n) - np.repeat(starts, counts) + 1
    month = (day.year - ctx.month0.year) * 12 + day.month - ctx.month0.month
    proc = rng.choice(len(ctx.catalogue), size=n, p=ctx.catalogue.weights)
    channel = _channels(rng, ctx, commune, proc, month)
    received = day_seconds(day) + _office_time(rng, n)
    submitted = _submitted(rng, received, channel)
    cat = ctx.catalogue
    due = due_times(
        ctx.calendar, received, cat.limit_value[proc], cat.limit_unit[proc], cat.cutoff_minutes[proc]
    )
    sup = _supplements(rng, ctx, commune, proc, received, due)
    end = _end(rng, ctx, commune, proc, month, received, due, sup)
    frame = DayFrame(
        day=day, commune=commune, seq=seq, procedure=proc, channel=channel, submitted=submitted,
        received=received, due=due, sup=sup, end=end, returned=np.full(n, -1), status=np.zeros(n, np.int64),
        fee=np.zeros(n, np.int64), paid_online=np.zeros(n, np.int64), docs=np.ones(n, np.int64),
        doc_flags=np.zeros((n, 3), np.int64), vneid=np.zeros(n, bool), e_result=np.zeros(n, bool),
    )  # fmt: skip
    _settle(rng, ctx, frame)
    _payments(rng, ctx, frame)
    _documents(rng, ctx, frame)
    return frame


def _channels(
    rng: np.random.Generator, ctx: Context, commune: IntArray, proc: IntArray, month: int
) -> IntArray:
    share = ctx.profiles.online_at(month)[commune]
    share = np.where(ctx.catalogue.e2e[proc], share, share * 0.85)
    online = rng.random(len(commune)) < share
    postal = rng.random(len(commune)) < 0.04
    channel = np.where(online, Channel.ONLINE, np.where(postal, Channel.POSTAL, Channel.IN_PERSON))
    return channel.astype(np.int64)


def _office_time(rng: np.random.Generator, n: int) -> IntArray:
    """Seconds after midnight within office hours: busier mornings, a trickle after 15:00."""
    morning = rng.random(n) < 0.58
    a = np.where(morning, MORNING[0], AFTERNOON[0])
    b = np.where(morning, MORNING[1], AFTERNOON[1])
    return (a + (b - a) * rng.random(n) ** np.where(morning, 1.0, 1.3)).astype(np.int64)


def _submitted(rng: np.random.Generator, received: IntArray, channel: IntArray) -> IntArray:
    """Online dossiers wait in the queue a few hours (a few much longer); others are received at once."""
    n = len(received)
    lag = rng.exponential(3 * HOUR, n)
    slow = rng.random(n) < 0.03
    lag = np.where(slow, rng.uniform(DAY, 3 * DAY, n), lag)
    counter = rng.uniform(0, 600, n)
    return received - np.where(channel == Channel.ONLINE, lag, counter).astype(np.int64)


def _supplement_counts(rng: np.random.Generator, ctx: Context, commune: IntArray, proc: IntArray) -> IntArray:
    cat, prof = ctx.catalogue, ctx.profiles
    factor = np.where(cat.field_is("DATDAI", "XAYDUNG")[proc], 3.0, 1.0)
    factor = np.where(cat.cutoff_minutes[proc] >= 0, 0.3, factor)
    repeat = prof.repeat_supplements[commune]
    p1 = np.clip(prof.supplement[commune] * factor * np.where(repeat, 3.0, 1.0), 0, 0.8)
    again = np.where(repeat, 0.55, 0.05)
    u = rng.random((len(commune), MAX_SUPPLEMENTS))
    count = (u[:, 0] < p1).astype(np.int64)
    count += (count == 1) & (u[:, 1] < again)
    count += (count == 2) & (u[:, 2] < again * 0.5)
    return count


def _supplements(
    rng: np.random.Generator,
    ctx: Context,
    commune: IntArray,
    proc: IntArray,
    received: IntArray,
    due: IntArray,
) -> Supplements:
    n = len(commune)
    count = _supplement_counts(rng, ctx, commune, proc)
    span = np.maximum(due - received, HOUR)
    shape = (n, MAX_SUPPLEMENTS)
    requested, answered = np.full(shape, -1), np.full(shape, -1)
    before, after = np.full(shape, -1), np.full(shape, -1)
    clock, current_due = received.copy(), due.copy()
    for k in range(MAX_SUPPLEMENTS):
        active = count > k
        ask = clock + (span * rng.uniform(0.1, 0.5, n)).astype(np.int64)
        wait = np.clip(rng.lognormal(np.log(1.5 * DAY), 0.8, n), HOUR, 20 * DAY).astype(np.int64)
        requested[:, k] = np.where(active, ask, -1)
        answered[:, k] = np.where(active, ask + wait, -1)
        before[:, k] = np.where(active, current_due, -1)
        current_due = np.where(active, current_due + wait, current_due)
        after[:, k] = np.where(active, current_due, -1)
        clock = np.where(active, ask + wait, clock)
    return Supplements(count, requested, answered, before, after)


def _end(
    rng: np.random.Generator, ctx: Context, commune: IntArray, proc: IntArray, month: int,
    received: IntArray, due: IntArray, sup: Supplements,
) -> IntArray:  # fmt: skip
    """End of processing: inside the deadline (plus waiting) for most, after it for late ones."""
    n = len(commune)
    prof, cat = ctx.profiles, ctx.catalogue
    wait = np.where(sup.answered >= 0, sup.answered - sup.requested, 0).sum(axis=1)
    span = np.maximum(due - received, HOUR)
    factor = np.where(cat.field_is("DATDAI", "XAYDUNG")[proc], 2.0, 1.0)
    late = rng.random(n) < np.clip(prof.late_at(month)[commune] * factor, 0, 0.9)
    u = rng.beta(2.0, 2.6, n)
    rushed = prof.last_minute[commune] & (rng.random(n) < 0.7)
    u = np.where(rushed, rng.uniform(0.975, 0.998, n), u)
    overrun = span * rng.uniform(0.05, 0.8, n) + rng.exponential(DAY, n)
    end = received + wait + np.where(late, span + overrun, span * u).astype(np.int64)
    last_answer = sup.answered.max(axis=1)
    return np.maximum(_into_office_hours(rng, end), np.maximum(received, last_answer) + 300)


def _into_office_hours(rng: np.random.Generator, t: IntArray) -> IntArray:
    """Pull instants outside office hours back to the end of the previous office hours."""
    tod = t % DAY
    back = rng.integers(60, 1800, len(t))
    evening = t - tod + AFTERNOON[1] - back
    night = t - tod - DAY + AFTERNOON[1] - back
    return np.where(tod >= AFTERNOON[1], evening, np.where(tod < MORNING[0], night, t))


def _settle(rng: np.random.Generator, ctx: Context, f: DayFrame) -> None:
    """Statuses as of the run's end, the return time, and supplements not yet made by then."""
    n = len(f)
    r = rng.random(n)
    refused = r < REFUSED
    f.end = np.where(refused, f.received + rng.integers(600, 4 * HOUR, n), f.end)
    f.sup.count = np.where(refused, 0, f.sup.count)
    done = f.end <= ctx.as_of
    returned = f.end + np.clip(rng.lognormal(np.log(4 * HOUR), 1.0, n), 600, 10 * DAY).astype(np.int64)
    returned = np.maximum(_into_office_hours(rng, returned), f.end + 300)
    handed = done & (returned <= ctx.as_of) & (rng.random(n) < RETURNED_SHARE)
    status = np.where(handed, DossierStatus.RETURNED, DossierStatus.PROCESSED)
    status = np.where(r < REFUSED + WITHDRAWN + STOPPED, DossierStatus.STOPPED, status)
    status = np.where(r < REFUSED + WITHDRAWN, DossierStatus.WITHDRAWN, status)
    status = np.where(refused, DossierStatus.NOT_RECEIVED, status)
    f.returned = np.where(handed & (status == DossierStatus.RETURNED), returned, -1)
    _open_at_end(ctx, f, done)
    f.status = np.where(done, status, f.status)


def _open_at_end(ctx: Context, f: DayFrame, done: BoolArray) -> None:
    """Dossiers open at the run's end: drop later supplement events; 5 while waiting, else 4."""
    s = f.sup
    future_ask = s.requested > ctx.as_of
    s.count = np.where(done, s.count, s.count - future_ask.sum(axis=1))
    s.requested = np.where(future_ask & ~done[:, None], -1, s.requested)
    pending = (s.requested >= 0) & (s.answered > ctx.as_of) & ~done[:, None]
    s.answered = np.where(pending, -1, s.answered)
    waiting = pending.any(axis=1)
    open_status = np.where(waiting, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PROCESSING)
    f.status = np.where(done, 0, open_status)
    f.end = np.where(done, f.end, -1)


def _payments(rng: np.random.Generator, ctx: Context, f: DayFrame) -> None:
    n = len(f)
    fee = ctx.catalogue.fee[f.procedure]
    pages = np.where(fee == 2_000, rng.integers(1, 8, n), 1)
    waived = rng.random(n) < 0.06
    f.fee = np.where(waived, 0, fee * pages)
    pays = rng.random(n) < ctx.profiles.pay_online[f.commune]
    online = (f.channel == Channel.ONLINE) & (f.fee > 0) & pays
    gateway = np.where(rng.random(n) < 0.65, 2, 1)
    f.paid_online = np.where(online, gateway, 0)


def _documents(rng: np.random.Generator, ctx: Context, f: DayFrame) -> None:
    n = len(f)
    f.docs = 1 + (rng.random(n) < 0.6) + (rng.random(n) < 0.25)
    online = (f.channel == Channel.ONLINE)[:, None]
    u = rng.random((n, 3, 3))
    digitised = u[:, :, 0] < np.where(online, 0.9, 0.55)
    reused = u[:, :, 1] < 0.3
    store = u[:, :, 2] < 0.18
    f.doc_flags = digitised * 1 + reused * 2 + store * 4
    f.vneid = (f.channel == Channel.ONLINE) & (rng.random(n) < 0.88)
    finished = np.isin(f.status, list(WITH_RESULT))
    paper = ctx.catalogue.paper_result[f.procedure]
    p = ctx.profiles.e_result[f.commune] * np.where(paper, 0.3, 1.0)
    f.e_result = finished & (rng.random(n) < p)
