"""The simulator itself and its HTTP side: the server and handler, routing, the common
checks of every request, and the control endpoints (/_sim/...) another process steers it with.
"""
from __future__ import annotations

import hmac
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from campaigns.laaffic.signing import CONTENT_TYPE, DOC_API_KEY, DOC_API_SECRET, redact_headers, sign
from campaigns.simulator.calls import DEFAULT_MAX_RINGING, GeneratedNumbers, Task, iso, push_report
from campaigns.simulator.codes import AUTHENTICATION, EXPIRED_TIMESTAMP, PARAMETER
from campaigns.simulator.endpoints import ENDPOINTS, Answer, Reply, as_int, envelope_answer, refused
from campaigns.simulator.faults import Faults
from campaigns.simulator.push import Pusher

logger = logging.getLogger(__name__)

FIRST_KEY_ID = 100001
TASK_ID_NAMES = ("jobId", "taskId")
MAX_BULK_NUMBERS = 1_000_000


class Simulator:
    """Laaffic's group-call, task, record and voice-upload endpoints on a local port.

    `requests` lists every API request received (signature redacted), `tasks`
    maps task names to the tasks created. Key ids keep counting across
    `reset()`, as the provider never hands out the same id twice.

    Calls run on `now()`, which is `clock()` plus whatever `advance()` added.
    With `push_url`, a background thread posts each ended call's report there,
    one object per request, or arrays of up to `push_batch` when it is above 1.
    `task_id_name` picks the task list's id field: "jobId" or "taskId".

    `lock`, `runs` (tasks by key id), `wake`, `file_ids` and `add_task()` are for the
    package's endpoints and pusher.
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
        self.runs: dict[int, Task] = {}
        # Reentrant: control endpoints hold it while calling fail_next() or reset().
        self.lock = threading.RLock()
        self.wake = threading.Event()  # set when calls may have ended, for the pusher
        self.file_ids = itertools.count(1)
        self._offset = 0.0
        self._faults = Faults()
        self._key_ids = itertools.count(FIRST_KEY_ID)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._pusher: Pusher | None = None
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
            self._pusher = Pusher(self).start()
        return self

    def stop(self) -> None:
        """Stop pushing and listening; requests already being answered may still finish."""
        if self._pusher is not None:
            self._pusher.stop()
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
        with self.lock:
            self._faults.add(path=_route(path) if path else None, code=code,
                             http_status=http_status, body=body, delay=delay, drop=drop,
                             times=times)

    def reset(self) -> None:
        """Forget requests, tasks, voice files and queued faults; undo `advance()`."""
        with self.lock:
            self.requests.clear()
            self.tasks.clear()
            self.voice_files.clear()
            self._faults.clear()
            self.runs.clear()
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
        with self.lock:
            self._offset += seconds
        self.wake.set()

    def finish(self, task_name: str) -> None:
        """End every remaining call of a task now."""
        with self.lock:
            task = self._task_named(task_name)
            if task.cancelled_at is not None:
                raise ValueError(f"Task {task_name!r} was cancelled; it cannot finish")
            if task.finished_at is None:
                task.finished_at = self.now()
        self.wake.set()

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
        with self.lock:
            if task_name in self.tasks:
                raise ValueError(f"Task name {task_name!r} is taken")
            now = self.now()
            start = now - self.call_seconds if finished else now
            task = self.add_task({"taskName": task_name}, GeneratedNumbers(numbers), None,
                                 created=start, start=start)
            if finished and not push:
                task.pushed = numbers
        self.wake.set()
        return task.key_id

    def push_reports(self, key_id: int, count: int | None = None) -> list[dict]:
        """The status push of a task's first `count` calls (all it makes by default), as the
        pusher sends them whether or not they have ended."""
        with self.lock:
            task = self.runs[key_id]
            return [push_report(task, i) for i in range(task.calls if count is None else count)]

    def add_task(self, body: dict, numbers: Sequence[str], called_info, *, created: float,
                 start: float, source_task_id: int | None = None) -> Task:
        """A new task of `body`'s settings calling `numbers`, under a new key id."""
        key_id = next(self._key_ids)
        name = body["taskName"]
        task = Task(
            key_id=key_id, name=name, numbers=numbers, called_info=called_info,
            created=created, start=start, call_seconds=self.call_seconds, seed=self.seed,
            display_number=body.get("displayNum"), voice_file_id=body.get("voiceFileId"),
            max_ringing=as_int(body.get("maxRingingTime")) or DEFAULT_MAX_RINGING,
            search_text=" ".join(str(body.get(k) or "") for k in
                                 ("taskName", "uploadName", "text")).casefold(),
            source_task_id=source_task_id)
        self.runs[key_id] = task
        self.tasks[name] = {
            "name": name,
            "key_id": key_id,
            "callee_count": len(numbers),
            "body": {k: v for k, v in body.items() if k != "numberInfoList"},
        }
        if source_task_id is not None:
            self.tasks[name]["source_task_id"] = source_task_id
        return task

    def _task_named(self, name) -> Task:
        key_id = self.tasks.get(name, {}).get("key_id") if isinstance(name, str) else None
        if key_id not in self.runs:
            raise ValueError(f"No task is named {name!r}")
        return self.runs[key_id]

    def _answer(self, method: str, target: str, headers, raw: bytes) -> Answer:
        path = _route(target)
        body = _parse(raw)
        if path.startswith("_sim/"):
            return self._control(method, path, body)
        if method != "POST" or path not in ENDPOINTS:
            return Answer(404, "Not Found", "text/plain")
        with self.lock:
            self.requests.append({"method": method, "path": path,
                                  "headers": redact_headers(dict(headers.items())),
                                  "body": body})
            fault = self._faults.take(path)
        endpoint, envelope = ENDPOINTS[path]
        if fault:
            time.sleep(fault.delay)
            answer = fault.answer(envelope)
            if answer:
                return answer
        code, message, data = self._refusal(headers, body) or endpoint(self, body)
        return envelope_answer(envelope, code, message, data)

    def _refusal(self, headers, body) -> Reply | None:
        """Why the provider would refuse this request before reading it, or None."""
        stamp = headers.get("Timestamp", "")
        expected = sign(self.api_key, self._api_secret, stamp)
        if (headers.get("Api-Key") != self.api_key
                or not hmac.compare_digest(headers.get("Sign", "").lower().encode(),
                                           expected.encode())):
            return refused(AUTHENTICATION)
        try:
            skew = abs(self.clock() - int(stamp))
        except ValueError:
            skew = None
        if skew is None or skew > self.timestamp_tolerance:
            return refused(EXPIRED_TIMESTAMP)
        if not headers.get("Content-Type", "").lower().startswith("application/json"):
            return refused(PARAMETER, f"Content-Type must be {CONTENT_TYPE}")
        if not isinstance(body, dict):
            return refused(PARAMETER, "the body must be a JSON object")
        return None

    # Control endpoints

    def _control(self, method: str, path: str, body) -> Answer:
        action = self._controls.get((method, path))
        if action is None:
            return Answer(404, "Not Found", "text/plain")
        try:
            with self.lock:
                text = json.dumps(action(body if isinstance(body, dict) else {}),
                                  ensure_ascii=False, default=str)
        except (TypeError, ValueError) as exc:
            return Answer(400, json.dumps({"error": str(exc)}))
        return Answer(200, text)

    def _control_fail(self, kwargs: dict) -> dict:
        self.fail_next(**kwargs)
        return {"ok": True}

    def _control_reset(self, kwargs: dict) -> dict:
        self.reset()
        return {"ok": True}

    def _control_advance(self, body: dict) -> dict:
        self.advance(body.get("seconds", 0))
        return {"ok": True, "now": iso(self.now(), self.time_zone)}

    def _control_finish(self, body: dict) -> dict:
        self.finish(body.get("taskName"))
        return {"ok": True}

    def _control_bulk_task(self, body: dict) -> dict:
        key_id = self.bulk_task(body.get("taskName"), body.get("numbers"),
                                finished=bool(body.get("finished", True)),
                                push=bool(body.get("push", False)))
        return {"ok": True, "keyId": key_id}


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
