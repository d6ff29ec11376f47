"""HTTP client for Laaffic's voice API.

Knows HTTP, not Django: it is handed a base URL and credentials. Every call
goes through `LaafficClient._request`.
"""
from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from campaigns.laaffic.errors import LaafficError
from campaigns.laaffic.signing import auth_headers, redact_headers

logger = logging.getLogger(__name__)

MAX_RESPONSE_TEXT = 10_000
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


@dataclass
class Reply:
    """A successful answer: the provider's code, message and data."""

    code: str
    message: str
    data: Any
    exchange: Exchange


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
        return self._request("POST", "voice/group/call/send", body)

    def upload_voice_file(self, file_name: str, content: bytes) -> Reply:
        """Upload an audio file; `reply.data` is the voice file id to use as voiceFileId."""
        # voice-api-reference.md §3 (voice/fileUpload)
        body = {"fileName": file_name, "file": base64.b64encode(content).decode("ascii")}
        return self._request("POST", "voice/fileUpload", body)

    def _request(self, method: str, path: str, body: dict) -> Reply:
        if not self.api_key or not self._api_secret:
            raise LaafficError(MISSING_CREDENTIALS, reached_provider=False)
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        headers = auth_headers(self.api_key, self._api_secret, int(self.clock()))
        exchange = Exchange(method, url, redact_headers(headers), body)
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, headers=headers,
                data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
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
        return _reply(text, exchange)


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


def _reply(text: str, exchange: Exchange) -> Reply:
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
    if code != "0":
        raise LaafficError.from_code(code, message, http_status=status, exchange=exchange)
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
