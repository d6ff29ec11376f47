"""The status push (campaigns/simulator/push.py)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from campaigns.laaffic import parse_push
from campaigns.simulator import Simulator
from tests.simulator.api import START, send, task


class Receiver:
    """A local HTTP endpoint that records pushes; answers `statuses` in turn, then 200."""

    def __init__(self, statuses=()):
        self.bodies: list = []
        self.accepted: list = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.bodies.append(body)
                if status == 200:
                    receiver.accepted.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def reports(self) -> list[dict]:
        return [r for body in self.accepted for r in (body if isinstance(body, list) else [body])]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.reports()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.reports()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def test_pushes_one_report_per_ended_call(receiver, clock, example_body):
    with Simulator(clock=clock, push_url=receiver.url) as simulator:
        key_id = send(simulator, example_body, count=3)
        time.sleep(0.2)
        assert receiver.bodies == []
        clock.tick(20)
        reports = receiver.wait_for(3)
    assert all(isinstance(body, dict) for body in receiver.bodies)
    assert [r["callee"] for r in reports] == ["8613000000000", "8613000000001",
                                              "8613000000002"]
    first = reports[0]
    assert first["taskId"] == key_id and first["type"] == 1
    assert first["callStatus"] in (10, 20, 40, 50, 60)
    assert isinstance(first["hangupTime"], int)
    assert first["hangupTime"] == round((START.timestamp() + 20 / 3) * 1000)
    calls = [call for body in receiver.bodies for call in parse_push(body).records]
    assert [call.voice_id for call in calls] == [r["voiceId"] for r in reports]
    assert simulator.push_reports(key_id) == reports
    assert simulator.push_reports(key_id, 1) == reports[:1]


def test_pushes_arrays_in_batch_mode(receiver, clock):
    with Simulator(clock=clock, push_url=receiver.url, push_batch=2) as simulator:
        simulator.bulk_task("Bulk", 5, finished=False)
        clock.tick(20)
        receiver.wait_for(5)
    assert [len(body) for body in receiver.bodies] == [2, 2, 1]
    assert len(parse_push(receiver.bodies[0]).records) == 2


def test_a_failed_push_is_retried(clock):
    receiver = Receiver(statuses=[500, 503])
    try:
        with Simulator(clock=clock, push_url=receiver.url) as simulator:
            simulator.bulk_task("One", 1, finished=False)
            clock.tick(20)
            reports = receiver.wait_for(1)
    finally:
        receiver.close()
    assert len(receiver.bodies) == 3
    assert len(reports) == 1


def test_an_unreachable_push_url_does_not_stop_the_simulator(clock, example_body):
    with Simulator(clock=clock, push_url="http://127.0.0.1:9/push") as simulator:
        simulator.bulk_task("Lost", 1, finished=False)
        clock.tick(20)
        time.sleep(0.3)
        assert task(simulator, send(simulator, example_body))["status"] == 1
    assert "laaffic-simulator-push" not in {t.name for t in threading.enumerate()}


def test_finished_bulk_tasks_are_not_pushed_unless_asked(receiver, clock):
    with Simulator(clock=clock, push_url=receiver.url) as simulator:
        simulator.bulk_task("History", 3)
        simulator.bulk_task("Pushed", 2, push=True)
        reports = receiver.wait_for(2)
        time.sleep(0.2)
    assert len(reports) == 2
    assert {r["taskId"] for r in receiver.reports()} == {simulator.tasks["Pushed"]["key_id"]}
