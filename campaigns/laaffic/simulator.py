"""A local stand-in for Laaffic's voice API, served over real HTTP.

Group-call bodies are checked with `campaigns.rules.check_body`, so the
simulator refuses exactly what the rules module says the provider refuses.
Faults can be queued to rehearse outages, timeouts and odd answers, either
with `fail_next()` or, from another process, with `POST /_sim/fail`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from campaigns.laaffic.errors import PROVIDER_TEXTS
from campaigns.laaffic.signing import (
    CONTENT_TYPE, DOC_API_KEY, DOC_API_SECRET, redact_headers, sign,
)
from campaigns.rules import check_body

logger = logging.getLogger(__name__)

GROUP_CALL = "voice/group/call/send"
FILE_UPLOAD = "voice/fileUpload"
# When a body has several problems, the provider's specific codes win over -22.
CODE_PRIORITY = ("-35", "-53", "-41", "-38")
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".wav")
FIRST_KEY_ID = 100001


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


class Simulator:
    """Laaffic's group-call and voice-upload endpoints on a local port.

    `requests` lists every API request received (signature redacted), `tasks`
    maps task names to the tasks created. Key ids keep counting across
    `reset()`, as the provider never hands out the same id twice.
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
    ):
        self.host = host
        self.port = port
        self.api_key = api_key
        self._api_secret = api_secret
        self.time_zone = ZoneInfo(time_zone)
        self.timestamp_tolerance = timestamp_tolerance
        self.clock = clock
        self.requests: list[dict[str, Any]] = []
        self.tasks: dict[str, dict[str, Any]] = {}
        self.voice_files: dict[str, str] = {}
        self._faults: list[_Fault] = []
        # Reentrant: control endpoints hold it while calling fail_next() or reset().
        self._lock = threading.RLock()
        self._key_ids = itertools.count(FIRST_KEY_ID)
        self._file_ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._endpoints = {
            GROUP_CALL: (self._send_group_call, ("code", "msg")),
            # voice-api-reference.md §3 documents the status/reason envelope here.
            FILE_UPLOAD: (self._upload_voice_file, ("status", "reason")),
        }
        self._controls = {
            ("POST", "_sim/fail"): self._control_fail,
            ("POST", "_sim/reset"): self._control_reset,
            ("GET", "_sim/requests"): lambda body: self.requests,
            ("GET", "_sim/tasks"): lambda body: self.tasks,
        }

    def start(self) -> Simulator:
        """Listen in a background thread; returns self."""
        self._server = _Server((self.host, self.port), _Handler)
        self._server.simulator = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                        name="laaffic-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening; requests already being answered may still finish."""
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
        """Forget requests, tasks, voice files and queued faults."""
        with self._lock:
            self.requests.clear()
            self.tasks.clear()
            self.voice_files.clear()
            self._faults.clear()

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
        now = datetime.fromtimestamp(self.clock(), timezone.utc)
        with self._lock:
            problems = check_body(body, now=now, provider_tz=self.time_zone,
                                  task_name_taken=self.tasks.__contains__)
            if problems:
                codes = {problem.code for problem in problems}
                code = next((c for c in CODE_PRIORITY if c in codes), "-22")
                listed = " ".join(f"{p.field}: {p.message}" for p in problems)
                return code, f"{PROVIDER_TEXTS[code]}: {listed}", None
            key_id = next(self._key_ids)
            self.tasks[body["taskName"]] = {
                "name": body["taskName"],
                "key_id": key_id,
                "callee_count": len(body["numberInfoList"]),
                "body": {k: v for k, v in body.items() if k != "numberInfoList"},
            }
        return "0", "success", key_id

    def _upload_voice_file(self, body: dict) -> tuple[str, str, Any]:
        # voice-api-reference.md §3 (voice/fileUpload)
        name, content = body.get("fileName"), _decode_base64(body.get("file"))
        if not (isinstance(name, str) and 5 <= len(name) <= 32
                and name.lower().endswith(AUDIO_EXTENSIONS)):
            return "-22", (f"{PROVIDER_TEXTS['-22']}: fileName must be 5-32 characters "
                           f"ending in {', '.join(AUDIO_EXTENSIONS)}"), None
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


def _envelope_answer(envelope: tuple[str, str], code: str, message: str, data) -> _Answer:
    code_key, message_key = envelope
    text = json.dumps({code_key: code, message_key: message, "data": data}, ensure_ascii=False)
    return _Answer(200, text, code=code)


def _fault_answer(fault: _Fault, envelope: tuple[str, str]) -> _Answer | None:
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
