"""HTTP client for Laaffic's voice API.

Knows HTTP, not Django: it is handed a base URL and credentials. Every call
goes through `LaafficClient._request`.
"""
from __future__ import annotations

import base64
import io
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, BinaryIO

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from campaigns.laaffic.codes import Code
from campaigns.laaffic.errors import LaafficError
from campaigns.laaffic.records import CallRecord, TaskStatus, parse_record, parse_task
from campaigns.laaffic.signing import auth_headers, redact_headers

logger = logging.getLogger(__name__)

# Endpoint paths, relative to the base URL (voice-api-reference.md §1.1).
GROUP_CALL_SEND = "voice/group/call/send"
GROUP_CALL_QUERY = "voice/group/call/query"
GROUP_CALL_CANCEL = "voice/group/call/cancel"
GROUP_CALL_RESEND = "voice/group/call/resend"
FILE_UPLOAD = "voice/fileUpload"
RECORD_GROUP_QUERY = "voice/recordGroupQuery"

MAX_PAGE_SIZE = 100
MAX_RECORD_WINDOW = timedelta(days=31)
# "The last two months" (§7.1), read as the longest two months.
RECORD_LOOK_BACK = timedelta(days=62)

MAX_RESPONSE_TEXT = 10_000
# Bytes of a file read per base64 chunk of a request body (a multiple of 3: no padding mid-text).
ATTACHMENT_CHUNK = 3 << 16
CONNECT_TIMEOUT = 5.0
# The provider documents two envelopes and never says which endpoint uses
# which for sure (voice-api-reference.md §1.3), so both are read everywhere.
ENVELOPES = (("code", "msg"), ("status", "reason"))

MISSING_CREDENTIALS = ("Laaffic credentials are not configured: "
                       "set LAAFFIC_API_KEY and LAAFFIC_API_SECRET.")
NOT_REACHED = ("Could not connect to Laaffic, so nothing was sent. "
               "It will be tried again automatically.")
NO_ANSWER = ("Laaffic did not answer in time. The request was sent, so Laaffic may have "
             "created the task: check the Laaffic console before sending it again.")
DROPPED = ("Laaffic closed the connection without answering. The request was sent, so "
           "Laaffic may have created the task: check the Laaffic console before sending "
           "it again.")
SERVER_ERROR = ("Laaffic's server had a problem (HTTP {status}). "
                "It will be tried again automatically.")
REFUSED = ("Laaffic refused the request (HTTP {status}). "
           "Ask your administrator to check LAAFFIC_API_URL.")
BAD_URL = ("The Laaffic address {url!r} is not a valid URL. "
           "Ask your administrator to check LAAFFIC_API_URL.")
UNREADABLE = ("Laaffic's answer could not be understood (HTTP {status}). "
              "It will be tried again automatically.")


@dataclass
class Exchange:
    """One request and its answer, safe to store: the signature is redacted."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: dict
    http_status: int | None = None
    response_text: str | None = None
    duration_ms: int = 0


@dataclass(frozen=True)
class Attachment:
    """A file sent as one base64 JSON string (`baseFile`, `file`), encoded while the request goes out.

    `open()` gives a new binary file object each time, so a re-signed request can send it
    again. `len()` is the length of its base64 text, as for the string it stands for.
    """

    open: Callable[[], BinaryIO]
    size: int

    @classmethod
    def of_bytes(cls, content: bytes) -> Attachment:
        return cls(lambda: io.BytesIO(content), len(content))

    def __len__(self) -> int:
        return 4 * -(-self.size // 3)

    def chunks(self) -> Iterator[bytes]:
        with self.open() as handle:
            rest = b""
            while block := handle.read(ATTACHMENT_CHUNK):
                block = rest + block
                cut = len(block) - len(block) % 3
                rest = block[cut:]
                yield base64.b64encode(block[:cut])
            yield base64.b64encode(rest)


class JsonBody:
    """A JSON request body whose attachments are encoded while it is sent, one chunk at a time.

    Iterable with a length, so `requests` streams it with a Content-Length header.
    """

    def __init__(self, body: dict, **dumps_options):
        marker = uuid.uuid4().hex
        self.attachments = [value for value in body.values() if isinstance(value, Attachment)]
        text = json.dumps({k: marker if isinstance(v, Attachment) else v for k, v in body.items()},
                          ensure_ascii=False, **dumps_options)
        self.pieces = text.encode("utf-8").split(f'"{marker}"'.encode())

    def __len__(self) -> int:
        return sum(map(len, self.pieces)) + sum(len(a) + 2 for a in self.attachments)

    def __iter__(self) -> Iterator[bytes]:
        yield self.pieces[0]
        for attachment, piece in zip(self.attachments, self.pieces[1:]):
            yield b'"'
            yield from attachment.chunks()
            yield b'"' + piece


@dataclass
class Reply:
    """A successful answer: the provider's code, message and data."""

    code: str
    message: str
    data: Any
    exchange: Exchange


@dataclass
class TaskPage:
    """One page of the task list."""

    total: int
    pages: int
    current: int
    records: list[TaskStatus]
    exchange: Exchange


@dataclass
class RecordPage:
    """One page of per-call records.

    `rejected` holds the records that could not be read, each with the reason, so
    one odd record neither hides the rest of the page nor goes unnoticed.
    """

    total: int
    pages: int
    current: int
    records: list[CallRecord]
    exchange: Exchange
    rejected: list[tuple[Any, str]] = field(default_factory=list)


class LaafficClient:
    """Calls Laaffic's voice API; raises `LaafficError` for anything but success."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_secret: str,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.base_url = base_url
        self.api_key = api_key
        self._api_secret = api_secret
        self.timeout = timeout
        self.session = session or requests.Session()
        self.clock = clock

    def __repr__(self) -> str:
        return f"LaafficClient(base_url={self.base_url!r}, api_key={self.api_key!r})"

    def send_group_call(self, body: dict) -> Reply:
        """Create a group-call task; `reply.data` is its key id."""
        # group-call-send.txt
        return self._request("POST", GROUP_CALL_SEND, body)

    def upload_voice_file(self, file_name: str, content: bytes | Attachment) -> Reply:
        """Upload an audio file; `reply.data` is the voice file id to use as voiceFileId."""
        # voice-api-reference.md §3 (voice/fileUpload)
        file = content if isinstance(content, Attachment) else Attachment.of_bytes(content)
        return self._request("POST", FILE_UPLOAD, {"fileName": file_name, "file": file})

    def query_tasks(
        self,
        start: str,
        end: str,
        *,
        search: str | None = None,
        statuses: list[int] | None = None,
        page: int = 1,
        size: int = MAX_PAGE_SIZE,
    ) -> TaskPage:
        """One page of the tasks created between `start` and `end`.

        Times are "yyyy-MM-dd HH:mm:ss" in the provider's time zone; the caller
        formats them. `search` matches task names, voice file names and TTS text.
        """
        # voice-api-reference.md §4 (voice/group/call/query)
        _check_page(page, size)
        params: dict[str, Any] = {"strTime": start, "endTime": end,
                                  "statusList": list(statuses or [])}
        if search is not None:
            params["searchCondition"] = search
        reply = self._request("POST", GROUP_CALL_QUERY,
                              {"current": page, "size": size, "params": params})
        data, rows = _page_data(reply)
        if not all(isinstance(row, dict) for row in rows):
            raise _unreadable(reply.exchange)
        return TaskPage(*_paging(data, rows, page), records=[parse_task(r) for r in rows],
                        exchange=reply.exchange)

    def cancel_tasks(self, task_ids: list[int]) -> Reply:
        """Cancel tasks that are waiting or calling; calls not yet made never happen."""
        # voice-api-reference.md §5.1 (voice/group/call/cancel)
        return self._request("POST", GROUP_CALL_CANCEL, {"taskIdList": list(task_ids)})

    def resend_task(self, body: dict) -> Reply:
        """Re-call a finished task's numbers as a new task; `reply.data` is its key id."""
        # voice-api-reference.md §6 (voice/group/call/resend)
        return self._request("POST", GROUP_CALL_RESEND, body)

    def query_records(
        self,
        start: datetime,
        end: datetime,
        *,
        page: int = 1,
        size: int = MAX_PAGE_SIZE,
    ) -> RecordPage:
        """One page of the calls that ended between `start` and `end` (aware datetimes).

        Raises ValueError before any request for a window the provider would refuse:
        longer than 31 days, starting more than 62 days ago, or a bad page or size.
        """
        # voice-api-reference.md §7.1 (voice/recordGroupQuery)
        _check_page(page, size)
        now = datetime.fromtimestamp(self.clock(), timezone.utc)
        _check_record_window(start, end, now)
        params = {"strTime": start.isoformat(timespec="seconds"),
                  "endTime": end.isoformat(timespec="seconds")}
        reply = self._request("POST", RECORD_GROUP_QUERY,
                              {"current": page, "size": size, "params": params})
        data, rows = _page_data(reply)
        records, rejected = [], []
        for row in rows:
            try:
                records.append(parse_record(row, now=now))
            except ValueError as exc:
                logger.warning("Skipped a call record Laaffic sent: %s", exc)
                rejected.append((row, str(exc)))
        return RecordPage(*_paging(data, rows, page), records=records,
                          exchange=reply.exchange, rejected=rejected)

    def _request(self, method: str, path: str, body: dict) -> Reply:
        if not self.api_key or not self._api_secret:
            raise LaafficError(MISSING_CREDENTIALS, reached_provider=False)
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        headers = auth_headers(self.api_key, self._api_secret, int(self.clock()))
        exchange = Exchange(method, url, redact_headers(headers), body)
        data = JsonBody(body)
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, headers=headers, data=data.pieces[0] if not data.attachments else data,
                timeout=(min(CONNECT_TIMEOUT, self.timeout), self.timeout),
            )
        except requests.RequestException as exc:
            raise _transport_error(exc, exchange) from exc
        finally:
            exchange.duration_ms = round((time.monotonic() - started) * 1000)
        text = response.content.decode("utf-8", errors="replace")
        exchange.http_status = response.status_code
        exchange.response_text = text[:MAX_RESPONSE_TEXT]
        logger.info("%s %s -> HTTP %s in %d ms", method, url, response.status_code,
                    exchange.duration_ms)
        return _reply(text, exchange, path)


def _check_page(page: int, size: int) -> None:
    if not (isinstance(page, int) and page >= 1):
        raise ValueError(f"Page {page!r} is not valid: pages are numbered from 1.")
    if not (isinstance(size, int) and 1 <= size <= MAX_PAGE_SIZE):
        raise ValueError(f"Page size {size!r} is not valid: "
                         f"Laaffic accepts 1 to {MAX_PAGE_SIZE}.")


def _check_record_window(start: datetime, end: datetime, now: datetime) -> None:
    for name, when in (("start", start), ("end", end)):
        if when.utcoffset() is None:
            raise ValueError(f"The record window's {name} {when} has no time zone; "
                             "pass an aware datetime.")
    if end < start:
        raise ValueError(f"The record window ends ({end.isoformat()}) before it starts "
                         f"({start.isoformat()}).")
    if end - start > MAX_RECORD_WINDOW:
        raise ValueError(f"The record window {start.isoformat()} to {end.isoformat()} is "
                         f"longer than Laaffic's limit of {MAX_RECORD_WINDOW.days} days; "
                         "split it into shorter windows.")
    if start < now - RECORD_LOOK_BACK:
        raise ValueError(f"The record window starts at {start.isoformat()}, more than "
                         f"{RECORD_LOOK_BACK.days} days ago; Laaffic keeps call records "
                         "for two months only.")


def _page_data(reply: Reply) -> tuple[dict, list]:
    """The page object and its records, or LaafficError if the answer has no page."""
    data = reply.data
    rows = data.get("records") if isinstance(data, dict) else None
    if rows is None and isinstance(data, dict) and data.get("total") in (0, "0"):
        rows = []
    if not isinstance(rows, list):
        raise _unreadable(reply.exchange)
    return data, rows


def _paging(data: dict, rows: list, page: int) -> tuple[int, int, int]:
    """(total, pages, current), read leniently: a missing count is worked out."""
    total = _count(data.get("total"), len(rows))
    size = _count(data.get("size"), len(rows))
    pages = _count(data.get("pages"), -(-total // size) if size else 0)
    return total, pages, _count(data.get("current"), page)


def _count(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _unreadable(exchange: Exchange) -> LaafficError:
    return LaafficError(UNREADABLE.format(status=exchange.http_status), retryable=True,
                        http_status=exchange.http_status, exchange=exchange)


def _transport_error(exc: requests.RequestException, exchange: Exchange) -> LaafficError:
    details = {"code": None, "exchange": exchange}
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return LaafficError(BAD_URL.format(url=exchange.url), reached_provider=False, **details)
    if (isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError))
            or _never_connected(exc)):
        return LaafficError(NOT_REACHED, retryable=True, reached_provider=False, **details)
    if isinstance(exc, requests.ReadTimeout):
        return LaafficError(NO_ANSWER, timed_out=True, **details)
    # The connection broke after the request went out: as ambiguous as a timeout.
    return LaafficError(DROPPED, timed_out=True, **details)


def _never_connected(exc: requests.RequestException) -> bool:
    """Whether the failure happened while connecting (refused, DNS), before sending."""
    cause = exc.args[0] if exc.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)


def _reply(text: str, exchange: Exchange, path: str) -> Reply:
    status = exchange.http_status
    envelope = _envelope(text)
    if envelope is None:
        if status >= 500:
            message, retryable = SERVER_ERROR, True
        elif status >= 400:
            message, retryable = REFUSED, False
        else:
            message, retryable = UNREADABLE, True
        raise LaafficError(message.format(status=status), retryable=retryable,
                           http_status=status, exchange=exchange)
    code, message, data = envelope
    if code != Code.SUCCESS:
        raise LaafficError.from_code(code, message, path, http_status=status, exchange=exchange)
    return Reply(code, message, data, exchange)


def _envelope(text: str) -> tuple[str, str, Any] | None:
    """(code, message, data) from either documented envelope, or None if there is none."""
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    for code_key, message_key in ENVELOPES:
        code = payload.get(code_key)
        if isinstance(code, (str, int)) and not isinstance(code, bool):
            return str(code).strip(), str(payload.get(message_key) or ""), payload.get("data")
    return None
