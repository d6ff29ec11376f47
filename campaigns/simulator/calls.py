"""A task's calls: who is called when, how each call ends, and how Laaffic reports it.

Each callee's outcome is decided by a hash of (seed, task name, number), and calls end one
after another over `call_seconds`, so the task list, the record query and the status push
report the same calls. Records are worked out when asked for, never stored: a
100,000-callee task costs little more than its list of numbers.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from campaigns.laaffic.codes import NO_KEY_PRESSED
from campaigns.rules import FIELDS, TEXT_FIELDS
from campaigns.simulator.codes import (
    ANSWERED, BUSY, CALLING, CANCELLED, FINISHED, NO_PICK_UP, OTHER, VOICEMAIL, WAITING,
)

BULK_PREFIX = "86138"
DEFAULT_MAX_RINGING = FIELDS["maxRingingTime"].default

# Upper bounds of hash % 100 for each callStatus: 55% answered, 15% busy,
# 15% no pick-up, 5% voicemail, 10% failed.
OUTCOME_SHARES = ((55, ANSWERED), (70, BUSY), (85, NO_PICK_UP), (90, VOICEMAIL), (100, OTHER))
STATUS_BY_SHARE = [next(status for bound, status in OUTCOME_SHARES if share < bound)
                   for share in range(100)]
# callStatus -> (SIP code, terminationReason)
SIP_RESULTS = {
    ANSWERED: ("200", "Normal call clearing"),
    VOICEMAIL: ("200", "Answered by voicemail"),
    BUSY: ("486", "User busy"),
    NO_PICK_UP: ("480", "No answer"),
    OTHER: ("503", "Service unavailable"),
}
RATE_PER_MINUTE = Decimal("0.0123")
CALL_TIMES = ("submit", "call", "ringing", "answer", "hangup")
BILL_PERIOD = "60+60"
CURRENCY = "USD"


@dataclass(eq=False)
class Task:
    """A task's calls over time. Call i ends at `completion(i)`, never earlier than call i-1,
    so the calls ended by any moment are always the first few."""

    key_id: int
    name: str
    numbers: Sequence[str]
    called_info: Sequence[str | None] | None
    created: float
    start: float
    call_seconds: float
    seed: int = 0
    display_number: str | None = None
    voice_file_id: str | None = None
    max_ringing: int = DEFAULT_MAX_RINGING
    search_text: str = ""
    source_task_id: int | None = None
    finished_at: float | None = None
    cancelled_at: float | None = None
    # How many calls will ever happen: fewer once cancelled.
    calls: int = 0
    pushed: int = 0
    _outcomes: bytes | None = None
    _answered_prefix: array | None = None

    def __post_init__(self):
        self.calls = len(self.numbers)

    def natural_end(self, i: int) -> float:
        return self.start + self.call_seconds * (i + 1) / len(self.numbers)

    def completion(self, i: int) -> float:
        end = self.natural_end(i)
        return end if self.finished_at is None else min(end, self.finished_at)

    def done_by(self, moment: float) -> int:
        """How many calls have ended by `moment`."""
        ended = bisect_right(range(len(self.numbers)), moment, key=self.completion)
        return min(self.calls, ended)

    def ended_between(self, low: float, high: float) -> range:
        """Indexes of the calls that happen and end with low <= end < high."""
        count = len(self.numbers)
        first = bisect_left(range(count), low, key=self.completion)
        last = min(self.calls, bisect_left(range(count), high, key=self.completion))
        return range(first, max(first, last))

    def status(self, now: float) -> int:
        if self.cancelled_at is not None:
            return CANCELLED
        if self.done_by(now) >= len(self.numbers):
            return FINISHED
        return WAITING if now < self.start and self.finished_at is None else CALLING

    def cancel(self, now: float) -> None:
        self.cancelled_at = now
        self.calls = bisect_right(range(len(self.numbers)), now, key=self.natural_end)

    def outcomes(self) -> bytes:
        """Every callee's callStatus, worked out once (the numbers never change)."""
        if self._outcomes is None:
            head, blake2b = f"{self.seed}|{self.name}|", hashlib.blake2b
            self._outcomes = bytes(
                STATUS_BY_SHARE[int.from_bytes(blake2b((head + number).encode(),
                                                       digest_size=8).digest(), "big") % 100]
                for number in self.numbers)
        return self._outcomes

    def answered(self, called: int) -> int:
        """How many of the first `called` calls were answered."""
        if self._answered_prefix is None:
            self._answered_prefix = array("l", itertools.accumulate(
                (status == ANSWERED for status in self.outcomes()), initial=0))
        return self._answered_prefix[called]

    def _digest(self, i: int) -> int:
        key = f"{self.seed}|{self.name}|{self.numbers[i]}".encode()
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")

    def call(self, i: int) -> dict:
        """Call i in Python terms, times in epoch seconds.

        Times are counted back from the hang-up but never before the task started:
        the simulator squeezes calls into `call_seconds`, so with a short setting the
        timestamps can be closer together than the durations say.
        """
        digest = self._digest(i)
        status = STATUS_BY_SHARE[digest % 100]
        talks = status in (ANSWERED, VOICEMAIL)
        talk = 5 + (digest >> 8) % 56 if talks else 0
        ring = {ANSWERED: 2 + (digest >> 16) % 14, VOICEMAIL: 15 + (digest >> 16) % 10,
                BUSY: (digest >> 16) % 4, NO_PICK_UP: self.max_ringing, OTHER: 0}[status]
        hangup = self.completion(i)
        earliest = min(self.start, hangup)
        answer = max(earliest, hangup - talk) if talks else None
        ringing = None if status == OTHER else max(earliest, (answer or hangup) - ring)
        key = str((digest >> 24) % 10) if status == ANSWERED and (digest >> 28) % 2 else NO_KEY_PRESSED
        minutes = -(-talk // 60)
        sip, reason = SIP_RESULTS[status]
        return {
            "voice_id": f"{self.key_id}{i + 1:07d}", "status": status,
            "submit": self.created, "call": max(earliest, (ringing or hangup) - 1),
            "ringing": ringing, "answer": answer, "hangup": hangup, "talk": talk,
            "charged": minutes * 60, "ring": ring, "sip": sip, "reason": reason, "key": key,
            "cost": str(RATE_PER_MINUTE * minutes),
        }


class GeneratedNumbers(Sequence):
    """Generated callee numbers 86138xxxxxxxx, made when read."""

    def __init__(self, count: int):
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.count))]
        if not -self.count <= i < self.count:
            raise IndexError(i)
        return f"{BULK_PREFIX}{i % self.count:08d}"

    def __iter__(self):
        return (f"{BULK_PREFIX}{i:08d}" for i in range(self.count))


def called_info(callee: dict) -> str | None:
    """A callee's texts as the record and the push give them back (`calledInfo`)."""
    texts = {name: callee[name] for name in TEXT_FIELDS if callee.get(name) is not None}
    return json.dumps(texts, ensure_ascii=False) if texts else None


def iso(moment: float | None, zone: tzinfo) -> str | None:
    """An epoch time as the record query writes it, like 2022-02-18T10:00:00+08:00."""
    return None if moment is None else datetime.fromtimestamp(moment, zone).isoformat(timespec="seconds")


def record(task: Task, i: int, zone: tzinfo) -> dict:
    """A call as the record query shows it (voice-api-reference.md §7.3): no task id, no type,
    no callStatus, so the site must link it by number."""
    call = task.call(i)
    return {
        **_common_fields(task, i, call),
        **{f"{name}Time": iso(call[name], zone) for name in CALL_TIMES},
        "terminationCode": call["sip"],
        "terminationReason": call["reason"],
    }


def push_report(task: Task, i: int) -> dict:
    """A call as the status push sends it (voice-api-reference.md §7.4)."""
    call = task.call(i)
    succeeded = call["status"] in (ANSWERED, VOICEMAIL)
    return {
        **_common_fields(task, i, call),
        "taskId": task.key_id, "sourceTaskId": task.source_task_id, "type": 1,
        **{f"{name}Time": None if call[name] is None else round(call[name] * 1000) for name in CALL_TIMES},
        "ringDuration": call["ring"],
        "terminationCode": "0" if succeeded else call["sip"],
        "terminationReason": "success" if succeeded else call["reason"],
        "sipCode": call["sip"],
        "outRecallCount": 0,
        "callStatus": call["status"],
    }


def _common_fields(task: Task, i: int, call: dict) -> dict:
    """What the record query and the push say alike about a call."""
    return {
        "voiceId": call["voice_id"], "callee": task.numbers[i], "displayNum": task.display_number, "callDuration": call["talk"],
        "chargedDuration": call["charged"], "billPeriod": BILL_PERIOD, "rate": str(RATE_PER_MINUTE),
        "baseCost": call["cost"], "cost": call["cost"], "currency": CURRENCY,
        "voiceFileId": task.voice_file_id, "feedbackValue": call["key"],
        "calledInfo": task.called_info[i] if task.called_info else None,
    }
