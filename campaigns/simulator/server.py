"""A local stand-in for Laaffic's voice API, served over real HTTP.

Group-call bodies are checked with `campaigns.rules.check_body`, so the
simulator refuses exactly what the rules module says the provider refuses.
Faults can be queued to rehearse outages, timeouts and odd answers, either
with `fail_next()` or, from another process, with `POST /_sim/fail`.

Tasks then run on the simulator's clock: each callee gets an outcome decided by
a hash of (seed, task name, number), calls end one after another over
`call_seconds`, and the task list, the record query and the status push all
report the same calls. Records are worked out when asked for, never stored, so
a 100,000-callee task costs little more than its list of numbers.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import logging
import math
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests

from campaigns.laaffic.client import (
    FILE_UPLOAD, GROUP_CALL_CANCEL, GROUP_CALL_QUERY, GROUP_CALL_RESEND, GROUP_CALL_SEND,
    MAX_PAGE_SIZE, MAX_RECORD_WINDOW, RECORD_GROUP_QUERY,
)
from campaigns.laaffic.errors import PROVIDER_TEXTS
from campaigns.laaffic.signing import (
    CONTENT_TYPE, DOC_API_KEY, DOC_API_SECRET, redact_headers, sign,
)
from campaigns.rules import SEND_TIME_FORMAT, TEXT_FIELDS, check_body, upload_name_problem

logger = logging.getLogger(__name__)

# When a body has several problems, the provider's specific codes win over -22.
CODE_PRIORITY = ("-35", "-53", "-41", "-38")
FIRST_KEY_ID = 100001
TASK_ID_NAMES = ("jobId", "taskId")

WAITING, CALLING, FINISHED, CANCELLED = 0, 1, 2, 4
CANCELLABLE = (WAITING, CALLING)
RESENDABLE = (FINISHED, CANCELLED)
RESEND_ALL, RESEND_FAILED = 0, 1
TASK_NAME_LENGTH = (2, 64)
DEFAULT_RECORD_PAGE_SIZE = 25
BULK_PREFIX = "86138"
MAX_BULK_NUMBERS = 1_000_000

ANSWERED, BUSY, NO_PICK_UP, VOICEMAIL, OTHER = 50, 10, 20, 40, 60
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
DEFAULT_MAX_RINGING = 60

PUSH_ATTEMPTS = 3
PUSH_RETRY_DELAY = 0.2
PUSH_POLL = 0.05
PUSH_TIMEOUT = 5.0
# Reports taken per round, so stop() and new completions are not kept waiting.
PUSH_ROUND = 500


@dataclass
class _Fault:
    path: str | None
    code: str | None
    http_status: int | None
    body: str | None
    delay: float
    drop: bool

    def matches(self, path: str) -> bool:
        return self.path is None or self.path == path


@dataclass
class _Answer:
    status: int = 200
    text: str = ""
    content_type: str = CONTENT_TYPE
    drop: bool = False
    code: str | None = None


@dataclass(eq=False)
class _Task:
    """A task's calls over time. Call i ends at `completion(i)`, never earlier than call i-1,
    so the calls ended by any moment are always the first few."""

    key_id: int
    name: str
    numbers: Sequence[str]
    called_info: Sequence[str | None] | None
    created: float
    start: float
    call_seconds: float
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
    outcomes: bytes | None = None
    answered_prefix: array | None = None

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


class _Numbers(Sequence):
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


class Simulator:
    """Laaffic's group-call, task, record and voice-upload endpoints on a local port.

    `requests` lists every API request received (signature redacted), `tasks`
    maps task names to the tasks created. Key ids keep counting across
    `reset()`, as the provider never hands out the same id twice.

    Calls run on `now()`, which is `clock()` plus whatever `advance()` added.
    With `push_url`, a background thread posts each ended call's report there,
    one object per request, or arrays of up to `push_batch` when it is above 1.
    `task_id_name` picks the task list's id field: "jobId" or "taskId".
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DOC_API_KEY,
        api_secret: str = DOC_API_SECRET,
        time_zone: str = "Asia/Shanghai",
        timestamp_tolerance: int = 300,
        clock: Callable[[], float] = time.time,
        call_seconds: float = 20.0,
        push_url: str | None = None,
        push_batch: int = 1,
        seed: int = 0,
        task_id_name: str = "jobId",
    ):
        if task_id_name not in TASK_ID_NAMES:
            raise ValueError(f"task_id_name must be one of {TASK_ID_NAMES}, "
                             f"not {task_id_name!r}")
        if call_seconds < 0 or push_batch < 1:
            raise ValueError("call_seconds must be 0 or more and push_batch 1 or more")
        self.host = host
        self.port = port
        self.api_key = api_key
        self._api_secret = api_secret
        self.time_zone = ZoneInfo(time_zone)
        self.timestamp_tolerance = timestamp_tolerance
        self.clock = clock
        self.call_seconds = float(call_seconds)
        self.push_url = push_url
        self.push_batch = push_batch
        self.seed = seed
        self.task_id_name = task_id_name
        self.requests: list[dict[str, Any]] = []
        self.tasks: dict[str, dict[str, Any]] = {}
        self.voice_files: dict[str, str] = {}
        self._runs: dict[int, _Task] = {}
        self._offset = 0.0
        self._faults: list[_Fault] = []
        # Reentrant: control endpoints hold it while calling fail_next() or reset().
        self._lock = threading.RLock()
        self._key_ids = itertools.count(FIRST_KEY_ID)
        self._file_ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._pusher: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        # Which envelope each endpoint answers with, and whether its code is a
        # number: as each page's own example shows (voice-api-reference.md §1.3).
        self._endpoints = {
            GROUP_CALL_SEND: (self._send_group_call, ("code", "msg", str)),
            FILE_UPLOAD: (self._upload_voice_file, ("status", "reason", str)),
            GROUP_CALL_QUERY: (self._query_tasks, ("code", "msg", int)),
            GROUP_CALL_CANCEL: (self._cancel_tasks, ("code", "msg", str)),
            GROUP_CALL_RESEND: (self._resend_task, ("status", "reason", str)),
            RECORD_GROUP_QUERY: (self._query_records, ("status", "reason", str)),
        }
        self._controls = {
            ("POST", "_sim/fail"): self._control_fail,
            ("POST", "_sim/reset"): self._control_reset,
            ("POST", "_sim/advance"): self._control_advance,
            ("POST", "_sim/finish"): self._control_finish,
            ("POST", "_sim/bulk_task"): self._control_bulk_task,
            ("GET", "_sim/requests"): lambda body: self.requests,
            ("GET", "_sim/tasks"): lambda body: self.tasks,
        }

    def start(self) -> Simulator:
        """Listen (and push, with a push_url) in background threads; returns self."""
        self._server = _Server((self.host, self.port), _Handler)
        self._server.simulator = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                        name="laaffic-simulator", daemon=True)
        self._thread.start()
        if self.push_url:
            self._stopping.clear()
            self._pusher = threading.Thread(target=self._push_loop,
                                            name="laaffic-simulator-push", daemon=True)
            self._pusher.start()
        return self

    def stop(self) -> None:
        """Stop pushing and listening; requests already being answered may still finish."""
        if self._pusher is not None:
            self._stopping.set()
            self._wake.set()
            self._pusher.join()
            self._pusher = None
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def serve_forever(self) -> None:
        """Serve until interrupted (Ctrl-C raises KeyboardInterrupt), then stop."""
        if self._server is None:
            self.start()
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The URL to give `LaafficClient`, like https://api.laaffic.com/v3."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}/v3"

    def fail_next(
        self,
        code: str | int | None = None,
        http_status: int | None = None,
        delay: float = 0.0,
        body: str | None = None,
        drop: bool = False,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        """Queue a fault for the next `times` API requests (to `path`, if given).

        `drop` closes the connection unanswered; otherwise `http_status` answers
        with an HTML error page, `body` answers 200 with that raw text and `code`
        answers that status code. With only `delay`, the request is then handled
        normally, which is how a task gets created behind a client's timeout.
        """
        if http_status is not None:
            HTTPStatus(http_status)  # a ValueError now beats a broken answer later
        fault = _Fault(path=_route(path) if path else None,
                       code=None if code is None else str(code),
                       http_status=http_status, body=body, delay=float(delay), drop=drop)
        with self._lock:
            self._faults.extend([fault] * times)

    def reset(self) -> None:
        """Forget requests, tasks, voice files and queued faults; undo `advance()`."""
        with self._lock:
            self.requests.clear()
            self.tasks.clear()
            self.voice_files.clear()
            self._faults.clear()
            self._runs.clear()
            self._offset = 0.0

    def now(self) -> float:
        """The simulator's time (epoch seconds): its clock plus every `advance()`."""
        return self.clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the calls' time forward. Request timestamps are still checked
        against the unmoved clock, so clients keep being accepted."""
        seconds = float(seconds)
        if not seconds >= 0:
            raise ValueError(f"Can only advance by 0 seconds or more, not {seconds}")
        with self._lock:
            self._offset += seconds
        self._wake.set()

    def finish(self, task_name: str) -> None:
        """End every remaining call of a task now."""
        with self._lock:
            task = self._task_named(task_name)
            if task.cancelled_at is not None:
                raise ValueError(f"Task {task_name!r} was cancelled; it cannot finish")
            if task.finished_at is None:
                task.finished_at = self.now()
        self._wake.set()

    def bulk_task(self, task_name: str, numbers: int, finished: bool = True,
                  push: bool = False) -> int:
        """Create a task of `numbers` generated callees without a send; returns its key id.

        A finished bulk task ended its calls over the `call_seconds` before now,
        and is history: its calls are pushed only with `push=True`.
        """
        if not (isinstance(task_name, str) and task_name.strip()):
            raise ValueError(f"taskName must be a name, not {task_name!r}")
        if not (isinstance(numbers, int) and 1 <= numbers <= MAX_BULK_NUMBERS):
            raise ValueError(f"numbers must be 1 to {MAX_BULK_NUMBERS}, not {numbers!r}")
        with self._lock:
            if task_name in self.tasks:
                raise ValueError(f"Task name {task_name!r} is taken")
            now = self.now()
            start = now - self.call_seconds if finished else now
            task = self._add_task({"taskName": task_name}, _Numbers(numbers), None,
                                  created=start, start=start)
            if finished and not push:
                task.pushed = numbers
        self._wake.set()
        return task.key_id

    def push_reports(self, key_id: int, count: int | None = None) -> list[dict]:
        """The status push of a task's first `count` calls (all it makes by default), as the
        pusher sends them whether or not they have ended."""
        with self._lock:
            task = self._runs[key_id]
            return [self._push_report(task, i) for i in range(task.calls if count is None else count)]

    def _answer(self, method: str, target: str, headers, raw: bytes) -> _Answer:
        path = _route(target)
        body = _parse(raw)
        if path.startswith("_sim/"):
            return self._control(method, path, body)
        if method != "POST" or path not in self._endpoints:
            return _Answer(404, "Not Found", "text/plain")
        with self._lock:
            self.requests.append({"method": method, "path": path,
                                  "headers": redact_headers(dict(headers.items())),
                                  "body": body})
            fault = next((f for f in self._faults if f.matches(path)), None)
            if fault:
                self._faults.remove(fault)
        endpoint, envelope = self._endpoints[path]
        if fault:
            time.sleep(fault.delay)
            answer = _fault_answer(fault, envelope)
            if answer:
                return answer
        code, message, data = self._refusal(headers, body) or endpoint(body)
        return _envelope_answer(envelope, code, message, data)

    def _refusal(self, headers, body) -> tuple[str, str, None] | None:
        """Why the provider would refuse this request before reading it, or None."""
        stamp = headers.get("Timestamp", "")
        expected = sign(self.api_key, self._api_secret, stamp)
        if (headers.get("Api-Key") != self.api_key
                or not hmac.compare_digest(headers.get("Sign", "").lower().encode(),
                                           expected.encode())):
            return "-1", PROVIDER_TEXTS["-1"], None
        try:
            skew = abs(self.clock() - int(stamp))
        except ValueError:
            skew = None
        if skew is None or skew > self.timestamp_tolerance:
            return "-16", PROVIDER_TEXTS["-16"], None
        if not headers.get("Content-Type", "").lower().startswith("application/json"):
            return "-22", f"{PROVIDER_TEXTS['-22']}: Content-Type must be {CONTENT_TYPE}", None
        if not isinstance(body, dict):
            return "-22", f"{PROVIDER_TEXTS['-22']}: the body must be a JSON object", None
        return None

    def _send_group_call(self, body: dict) -> tuple[str, str, Any]:
        # group-call-send.txt
        with self._lock:
            now = self.now()
            problems = check_body(body, now=datetime.fromtimestamp(now, timezone.utc),
                                  provider_tz=self.time_zone,
                                  task_name_taken=self.tasks.__contains__)
            if problems:
                codes = {problem.code for problem in problems}
                code = next((c for c in CODE_PRIORITY if c in codes), "-22")
                listed = " ".join(f"{p.field}: {p.message}" for p in problems)
                return code, f"{PROVIDER_TEXTS[code]}: {listed}", None
            callees = body["numberInfoList"]
            task = self._add_task(body, [c["calleeNumber"] for c in callees],
                                  [_called_info(c) for c in callees], created=now,
                                  start=self._send_time(body.get("sendTime")) or now)
        self._wake.set()
        return "0", "success", task.key_id

    def _query_tasks(self, body: dict) -> tuple[str, str, Any]:
        # voice-api-reference.md §4 (voice/group/call/query)
        current, size = _as_int(body.get("current")), _as_int(body.get("size"))
        params = body.get("params")
        if current is None or current < 1 or size is None or not 1 <= size <= MAX_PAGE_SIZE:
            return _parameter_error(f"current must be 1 or more and size 1-{MAX_PAGE_SIZE}")
        if not isinstance(params, dict):
            return _parameter_error("params is required")
        low, high = (self._send_time(params.get(k)) for k in ("strTime", "endTime"))
        if low is None or high is None or high < low:
            return _parameter_error("params.strTime and params.endTime are required, like "
                                    "2024-01-01 00:00:00, and must not be reversed")
        statuses = params.get("statusList") or []
        search = params.get("searchCondition") or ""
        if not (isinstance(statuses, list) and all(_as_int(s) is not None for s in statuses)
                and isinstance(search, str)):
            return _parameter_error("params.statusList must be a list of task statuses "
                                    "and params.searchCondition text")
        wanted = {_as_int(s) for s in statuses}
        with self._lock:
            now = self.now()
            rows = []
            for task in reversed(self._runs.values()):
                status = task.status(now)
                if (low <= math.floor(task.created) <= high
                        and (not wanted or status in wanted)
                        and search.casefold() in task.search_text):
                    rows.append(self._task_row(task, status, now))
        records = rows[(current - 1) * size:current * size]
        return "0", "success", {"total": len(rows), "size": size, "current": current,
                                "pages": -(-len(rows) // size), "records": records}

    def _cancel_tasks(self, body: dict) -> tuple[str, str, Any]:
        # voice-api-reference.md §5.1 (voice/group/call/cancel)
        ids = body.get("taskIdList")
        if not (isinstance(ids, list) and ids and all(_as_int(i) is not None for i in ids)):
            return _parameter_error("taskIdList must be a non-empty list of task ids")
        with self._lock:
            now = self.now()
            tasks = [self._runs.get(_as_int(i)) for i in ids]
            if None in tasks:
                unknown = [i for i, task in zip(ids, tasks) if task is None]
                return "-24", f"{PROVIDER_TEXTS['-24']}: {unknown}", None
            stuck = [task.key_id for task in tasks if task.status(now) not in CANCELLABLE]
            if stuck:
                return "-54", f"{PROVIDER_TEXTS['-54']}: {stuck} are not waiting or calling", None
            for task in tasks:
                task.cancel(now)
        return "0", "success", None

    def _resend_task(self, body: dict) -> tuple[str, str, Any]:
        # voice-api-reference.md §6 (voice/group/call/resend)
        key_id, name = _as_int(body.get("keyId")), body.get("taskName")
        resend_type = _as_int(body.get("resendType", RESEND_ALL))
        if key_id is None:
            return _parameter_error("keyId is required")
        if not (isinstance(name, str) and TASK_NAME_LENGTH[0] <= len(name.strip())
                and len(name) <= TASK_NAME_LENGTH[1]):
            return _parameter_error("taskName is required, 2-64 characters")
        if resend_type not in (RESEND_ALL, RESEND_FAILED):
            return _parameter_error("resendType must be 0 (all) or 1 (failed numbers)")
        send_time = body.get("sendTime")
        start = self._send_time(send_time)
        if send_time not in (None, "") and start is None:
            return _parameter_error("sendTime must look like 2024-06-21 00:00:00")
        with self._lock:
            parent = self._runs.get(key_id)
            if parent is None:
                return "-24", f"{PROVIDER_TEXTS['-24']}: keyId {key_id}", None
            if name in self.tasks:
                return "-41", PROVIDER_TEXTS["-41"], None
            now = self.now()
            if parent.status(now) not in RESENDABLE:
                return "-54", f"{PROVIDER_TEXTS['-54']}: task {key_id} is not finished", None
            if resend_type == RESEND_ALL:
                chosen = range(len(parent.numbers))
            else:
                outcomes = self._outcomes(parent)
                chosen = [i for i in range(parent.calls) if outcomes[i] != ANSWERED]
            if not chosen:
                return "-35", PROVIDER_TEXTS["-35"], None
            infos = parent.called_info
            task = self._add_task(
                {"displayNum": parent.display_number, "voiceFileId": parent.voice_file_id,
                 "maxRingingTime": parent.max_ringing, **body},
                [parent.numbers[i] for i in chosen],
                None if infos is None else [infos[i] for i in chosen],
                created=now, start=max(start or now, now), source_task_id=key_id)
        self._wake.set()
        return "0", "success", task.key_id

    def _query_records(self, body: dict) -> tuple[str, str, Any]:
        # voice-api-reference.md §7.1 (voice/recordGroupQuery)
        current = _as_int(body.get("current", 1))
        size = _as_int(body.get("size", DEFAULT_RECORD_PAGE_SIZE))
        params = body.get("params")
        if current is None or current < 1 or size is None or not 1 <= size <= MAX_PAGE_SIZE:
            return _parameter_error(f"current must be 1 or more and size 1-{MAX_PAGE_SIZE}")
        low, high = (_iso_time(params.get(k)) if isinstance(params, dict) else None
                     for k in ("strTime", "endTime"))
        if low is None or high is None:
            return _parameter_error("params.strTime and params.endTime are required, "
                                    "like 2022-02-18T00:00:00+08:00")
        if high < low or high - low > MAX_RECORD_WINDOW:
            return _parameter_error("the time range must be at most 31 days")
        # Whole seconds, both ends included, as the records show their times.
        since = math.ceil(low.timestamp())
        until = min(math.floor(high.timestamp()) + 1, math.nextafter(self.now(), math.inf))
        with self._lock:
            spans = [(task, task.ended_between(since, until)) for task in self._runs.values()]
        total = sum(len(span) for _, span in spans)
        skip, records = (current - 1) * size, []
        for task, span in spans:
            if len(records) == size:
                break
            if skip >= len(span):
                skip -= len(span)
                continue
            for i in span[skip:skip + size - len(records)]:
                records.append(self._record(task, i))
            skip = 0
        return "0", "success", {"total": total, "size": size, "current": current,
                                "pages": -(-total // size), "searchCount": True,
                                "records": records}

    def _upload_voice_file(self, body: dict) -> tuple[str, str, Any]:
        # voice-api-reference.md §3 (voice/fileUpload)
        name, content = body.get("fileName"), _decode_base64(body.get("file"))
        problem = upload_name_problem(name) if isinstance(name, str) else "fileName must be text"
        if problem:
            return "-22", f"{PROVIDER_TEXTS['-22']}: {problem}", None
        if not content:
            return "-22", f"{PROVIDER_TEXTS['-22']}: file must be non-empty base64", None
        extension = name[name.rindex("."):].lower()
        with self._lock:
            if name in self.voice_files:
                return "-20", PROVIDER_TEXTS["-20"], None
            file_id = f"{next(self._file_ids)}{hashlib.md5(content).hexdigest()}{extension}"
            self.voice_files[name] = file_id
        return "0", "success", file_id

    def _control(self, method: str, path: str, body) -> _Answer:
        action = self._controls.get((method, path))
        if action is None:
            return _Answer(404, "Not Found", "text/plain")
        try:
            with self._lock:
                text = json.dumps(action(body if isinstance(body, dict) else {}),
                                  ensure_ascii=False, default=str)
        except (TypeError, ValueError) as exc:
            return _Answer(400, json.dumps({"error": str(exc)}))
        return _Answer(200, text)

    def _control_fail(self, kwargs: dict) -> dict:
        self.fail_next(**kwargs)
        return {"ok": True}

    def _control_reset(self, kwargs: dict) -> dict:
        self.reset()
        return {"ok": True}

    def _control_advance(self, body: dict) -> dict:
        self.advance(body.get("seconds", 0))
        return {"ok": True, "now": self._iso(self.now())}

    def _control_finish(self, body: dict) -> dict:
        self.finish(body.get("taskName"))
        return {"ok": True}

    def _control_bulk_task(self, body: dict) -> dict:
        key_id = self.bulk_task(body.get("taskName"), body.get("numbers"),
                                finished=bool(body.get("finished", True)),
                                push=bool(body.get("push", False)))
        return {"ok": True, "keyId": key_id}

    # Tasks and their calls

    def _add_task(self, body: dict, numbers: Sequence[str], called_info, *, created: float,
                  start: float, source_task_id: int | None = None) -> _Task:
        key_id = next(self._key_ids)
        name = body["taskName"]
        task = _Task(
            key_id=key_id, name=name, numbers=numbers, called_info=called_info,
            created=created, start=start, call_seconds=self.call_seconds,
            display_number=body.get("displayNum"), voice_file_id=body.get("voiceFileId"),
            max_ringing=_as_int(body.get("maxRingingTime")) or DEFAULT_MAX_RINGING,
            search_text=" ".join(str(body.get(k) or "") for k in
                                 ("taskName", "uploadName", "text")).casefold(),
            source_task_id=source_task_id)
        self._runs[key_id] = task
        self.tasks[name] = {
            "name": name,
            "key_id": key_id,
            "callee_count": len(numbers),
            "body": {k: v for k, v in body.items() if k != "numberInfoList"},
        }
        if source_task_id is not None:
            self.tasks[name]["source_task_id"] = source_task_id
        return task

    def _task_named(self, name) -> _Task:
        key_id = self.tasks.get(name, {}).get("key_id") if isinstance(name, str) else None
        if key_id not in self._runs:
            raise ValueError(f"No task is named {name!r}")
        return self._runs[key_id]

    def _send_time(self, text) -> float | None:
        """Epoch seconds of a "yyyy-MM-dd HH:mm:ss" in the provider's zone, or None."""
        try:
            when = datetime.strptime(text, SEND_TIME_FORMAT)
        except (TypeError, ValueError):
            return None
        return when.replace(tzinfo=self.time_zone).timestamp()

    def _local(self, moment: float) -> datetime:
        return datetime.fromtimestamp(moment, self.time_zone)

    def _iso(self, moment: float | None) -> str | None:
        return None if moment is None else self._local(moment).isoformat(timespec="seconds")

    def _task_row(self, task: _Task, status: int, now: float) -> dict:
        called, count = task.done_by(now), len(task.numbers)
        success = self._answered(task, called)
        return {
            self.task_id_name: task.key_id,
            "taskName": task.name,
            "status": status,
            "rate": str(round(100 * called / count)),
            "numCnt": count,
            "callNum": called,
            "success": success,
            "fail": called - success,
            "createdTime": self._local(task.created).strftime(SEND_TIME_FORMAT),
        }

    def _answered(self, task: _Task, called: int) -> int:
        """How many of the first `called` calls were answered."""
        if task.answered_prefix is None:
            task.answered_prefix = array("l", itertools.accumulate(
                (status == ANSWERED for status in self._outcomes(task)), initial=0))
        return task.answered_prefix[called]

    def _outcomes(self, task: _Task) -> bytes:
        """Every callee's callStatus, worked out once per task (the numbers never change)."""
        if task.outcomes is None:
            head, blake2b = f"{self.seed}|{task.name}|", hashlib.blake2b
            task.outcomes = bytes(
                STATUS_BY_SHARE[int.from_bytes(blake2b((head + number).encode(),
                                                       digest_size=8).digest(), "big") % 100]
                for number in task.numbers)
        return task.outcomes

    def _digest(self, task: _Task, i: int) -> int:
        key = f"{self.seed}|{task.name}|{task.numbers[i]}".encode()
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")

    def _call(self, task: _Task, i: int) -> dict:
        """Call i of a task in Python terms, times in epoch seconds.

        Times are counted back from the hang-up but never before the task started:
        the simulator squeezes calls into `call_seconds`, so with a short setting the
        timestamps can be closer together than the durations say.
        """
        digest = self._digest(task, i)
        status = STATUS_BY_SHARE[digest % 100]
        talks = status in (ANSWERED, VOICEMAIL)
        talk = 5 + (digest >> 8) % 56 if talks else 0
        ring = {ANSWERED: 2 + (digest >> 16) % 14, VOICEMAIL: 15 + (digest >> 16) % 10,
                BUSY: (digest >> 16) % 4, NO_PICK_UP: task.max_ringing, OTHER: 0}[status]
        hangup = task.completion(i)
        earliest = min(task.start, hangup)
        answer = max(earliest, hangup - talk) if talks else None
        ringing = None if status == OTHER else max(earliest, (answer or hangup) - ring)
        key = str((digest >> 24) % 10) if status == ANSWERED and (digest >> 28) % 2 else "-1"
        minutes = -(-talk // 60)
        sip, reason = SIP_RESULTS[status]
        return {
            "voice_id": f"{task.key_id}{i + 1:07d}", "status": status,
            "submit": task.created, "call": max(earliest, (ringing or hangup) - 1),
            "ringing": ringing, "answer": answer, "hangup": hangup, "talk": talk,
            "charged": minutes * 60, "ring": ring, "sip": sip, "reason": reason, "key": key,
            "cost": str(RATE_PER_MINUTE * minutes),
        }

    def _record(self, task: _Task, i: int) -> dict:
        """A call as the record query shows it (voice-api-reference.md §7.3): no task id, no type,
        no callStatus, so the site must link it by number."""
        call = self._call(task, i)
        return {
            **self._common_fields(task, i, call),
            **{f"{name}Time": self._iso(call[name]) for name in CALL_TIMES},
            "terminationCode": call["sip"],
            "terminationReason": call["reason"],
        }

    def _push_report(self, task: _Task, i: int) -> dict:
        """A call as the status push sends it (voice-api-reference.md §7.4)."""
        call = self._call(task, i)
        succeeded = call["status"] in (ANSWERED, VOICEMAIL)
        return {
            **self._common_fields(task, i, call),
            "taskId": task.key_id, "sourceTaskId": task.source_task_id, "type": 1,
            **{f"{name}Time": None if call[name] is None else round(call[name] * 1000) for name in CALL_TIMES},
            "ringDuration": call["ring"],
            "terminationCode": "0" if succeeded else call["sip"],
            "terminationReason": "success" if succeeded else call["reason"],
            "sipCode": call["sip"],
            "outRecallCount": 0,
            "callStatus": call["status"],
        }

    @staticmethod
    def _common_fields(task: _Task, i: int, call: dict) -> dict:
        """What the record query and the push say alike about a call."""
        return {
            "voiceId": call["voice_id"], "callee": task.numbers[i], "displayNum": task.display_number, "callDuration": call["talk"],
            "chargedDuration": call["charged"], "billPeriod": BILL_PERIOD, "rate": str(RATE_PER_MINUTE),
            "baseCost": call["cost"], "cost": call["cost"], "currency": CURRENCY,
            "voiceFileId": task.voice_file_id, "feedbackValue": call["key"],
            "calledInfo": task.called_info[i] if task.called_info else None,
        }

    # Status push

    def _push_loop(self) -> None:
        session = requests.Session()
        while not self._stopping.is_set():
            reports = []
            try:
                reports = self._due_reports()
                for first in range(0, len(reports), self.push_batch):
                    if self._stopping.is_set():
                        break
                    self._deliver(session, reports[first:first + self.push_batch])
            except Exception:  # the push must never take the simulator down
                logger.exception("Status push failed")
            if not reports:
                self._wake.wait(PUSH_POLL)
                self._wake.clear()
        session.close()

    def _due_reports(self) -> list[dict]:
        due = []
        with self._lock:
            now = self.now()
            for task in list(self._runs.values()):
                ended = task.done_by(now)
                if ended > task.pushed:
                    take = min(ended, task.pushed + PUSH_ROUND - len(due))
                    due.extend((task, i) for i in range(task.pushed, take))
                    task.pushed = take
                if len(due) >= PUSH_ROUND:
                    break
        return [self._push_report(task, i) for task, i in due]

    def _deliver(self, session: requests.Session, reports: list[dict]) -> None:
        payload = reports[0] if self.push_batch == 1 else reports
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        problem = None
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            try:
                response = session.post(self.push_url, data=data, timeout=PUSH_TIMEOUT,
                                        headers={"Content-Type": CONTENT_TYPE})
                if response.status_code < 300:
                    return
                problem = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                problem = exc
            if attempt < PUSH_ATTEMPTS and self._stopping.wait(PUSH_RETRY_DELAY * attempt):
                break
        logger.warning("Gave up pushing %d call report(s) to %s: %s", len(reports),
                       self.push_url, problem)


def _as_int(value) -> int | None:
    """An integer the way a Java API reads one: a number or digit text, never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _iso_time(text) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.utcoffset() is not None else None


def _called_info(callee: dict) -> str | None:
    texts = {name: callee[name] for name in TEXT_FIELDS if callee.get(name) is not None}
    return json.dumps(texts, ensure_ascii=False) if texts else None


def _parameter_error(detail: str) -> tuple[str, str, None]:
    return "-22", f"{PROVIDER_TEXTS['-22']}: {detail}", None


def _route(target: str) -> str:
    """'voice/fileUpload' for '/v3/voice/fileUpload', '/voice/fileUpload?x=1', ..."""
    path = urlsplit(target).path.strip("/")
    return path.removeprefix("v3/")


def _parse(raw: bytes):
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _decode_base64(text) -> bytes:
    if not isinstance(text, str):
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def _envelope_answer(envelope: tuple[str, str, type], code: str, message: str,
                     data) -> _Answer:
    code_key, message_key, code_type = envelope
    text = json.dumps({code_key: code_type(code), message_key: message, "data": data},
                      ensure_ascii=False)
    return _Answer(200, text, code=code)


def _fault_answer(fault: _Fault, envelope: tuple[str, str, type]) -> _Answer | None:
    if fault.drop:
        return _Answer(drop=True)
    if fault.http_status:
        phrase = HTTPStatus(fault.http_status).phrase
        page = f"<html><body><h1>{fault.http_status} {phrase}</h1></body></html>"
        return _Answer(fault.http_status, page, "text/html")
    if fault.body is not None:
        return _Answer(200, fault.body)
    if fault.code is not None:
        return _envelope_answer(envelope, fault.code,
                                PROVIDER_TEXTS.get(fault.code, "error"), None)
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    simulator: Simulator

    def handle_error(self, request, client_address):
        # Clients that gave up (read timeouts) make late writes fail; that is expected.
        logger.debug("Connection from %s:%s ended abruptly", *client_address[:2])


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self._serve()

    do_POST = do_GET

    def _serve(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.simulator._answer(self.command, self.path, self.headers, raw)
        route = urlsplit(self.path).path
        if answer.drop:
            logger.info("%s %s -> dropped the connection", self.command, route)
            self.close_connection = True
            return
        logger.info("%s %s -> HTTP %s%s", self.command, route, answer.status,
                    f" code {answer.code}" if answer.code else "")
        payload = answer.text.encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass  # one line per request is logged by _serve, without headers
