"""The status push (voice-api-reference.md §7.4): a background thread posts each ended
call's report to the push URL, one object per request or arrays of up to `push_batch`."""
from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING

import requests

from campaigns.laaffic.signing import CONTENT_TYPE
from campaigns.simulator.calls import push_report

if TYPE_CHECKING:
    from campaigns.simulator.server import Simulator

logger = logging.getLogger(__name__)

PUSH_ATTEMPTS = 3
PUSH_RETRY_DELAY = 0.2
PUSH_POLL = 0.05
PUSH_TIMEOUT = 5.0
# Reports taken per round, so stop() and new completions are not kept waiting.
PUSH_ROUND = 500


class Pusher:
    """Pushes the simulator's ended calls until stopped; `sim.wake` says calls may have ended."""

    def __init__(self, sim: Simulator):
        self.sim = sim
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="laaffic-simulator-push", daemon=True)

    def start(self) -> Pusher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.sim.wake.set()
        self._thread.join()

    def _loop(self) -> None:
        session = requests.Session()
        while not self._stopping.is_set():
            reports = []
            try:
                reports = self._due_reports()
                for first in range(0, len(reports), self.sim.push_batch):
                    if self._stopping.is_set():
                        break
                    self._deliver(session, reports[first:first + self.sim.push_batch])
            except Exception:  # the push must never take the simulator down
                logger.exception("Status push failed")
            if not reports:
                self.sim.wake.wait(PUSH_POLL)
                self.sim.wake.clear()
        session.close()

    def _due_reports(self) -> list[dict]:
        due = []
        with self.sim.lock:
            now = self.sim.now()
            for task in list(self.sim.runs.values()):
                ended = task.done_by(now)
                if ended > task.pushed:
                    take = min(ended, task.pushed + PUSH_ROUND - len(due))
                    due.extend((task, i) for i in range(task.pushed, take))
                    task.pushed = take
                if len(due) >= PUSH_ROUND:
                    break
        return [push_report(task, i) for task, i in due]

    def _deliver(self, session: requests.Session, reports: list[dict]) -> None:
        payload = reports[0] if self.sim.push_batch == 1 else reports
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        problem = None
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            try:
                response = session.post(self.sim.push_url, data=data, timeout=PUSH_TIMEOUT,
                                        headers={"Content-Type": CONTENT_TYPE})
                if response.status_code < 300:
                    return
                problem = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                problem = exc
            if attempt < PUSH_ATTEMPTS and self._stopping.wait(PUSH_RETRY_DELAY * attempt):
                break
        logger.warning("Gave up pushing %d call report(s) to %s: %s", len(reports),
                       self.sim.push_url, problem)
