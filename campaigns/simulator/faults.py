"""Fault injection: outages, timeouts and odd answers queued for the next requests.

`Simulator.fail_next()` queues them, or `POST /_sim/fail` from another process; each API
request takes the first fault queued for its path (or for any path).
"""
from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from campaigns.laaffic.errors import PROVIDER_TEXTS
from campaigns.simulator.endpoints import Answer, envelope_answer


@dataclass(frozen=True)
class Fault:
    path: str | None
    code: str | None
    http_status: int | None
    body: str | None
    delay: float
    drop: bool

    def matches(self, path: str) -> bool:
        return self.path is None or self.path == path

    def answer(self, envelope: tuple[str, str, type]) -> Answer | None:
        """The answer instead of the endpoint's, or None to handle the request normally."""
        if self.drop:
            return Answer(drop=True)
        if self.http_status:
            phrase = HTTPStatus(self.http_status).phrase
            page = f"<html><body><h1>{self.http_status} {phrase}</h1></body></html>"
            return Answer(self.http_status, page, "text/html")
        if self.body is not None:
            return Answer(200, self.body)
        if self.code is not None:
            return envelope_answer(envelope, self.code, PROVIDER_TEXTS.get(self.code, "error"), None)
        return None


class Faults:
    """The queue of faults; the simulator's lock guards it."""

    def __init__(self):
        self._queued: list[Fault] = []

    def add(self, *, path: str | None, code: str | int | None, http_status: int | None,
            body: str | None, delay: float, drop: bool, times: int) -> None:
        if http_status is not None:
            HTTPStatus(http_status)  # a ValueError now beats a broken answer later
        fault = Fault(path=path, code=None if code is None else str(code),
                      http_status=http_status, body=body, delay=float(delay), drop=drop)
        self._queued.extend([fault] * times)

    def take(self, path: str) -> Fault | None:
        """The first fault queued for `path`, removed from the queue."""
        fault = next((f for f in self._queued if f.matches(path)), None)
        if fault:
            self._queued.remove(fault)
        return fault

    def clear(self) -> None:
        self._queued.clear()
