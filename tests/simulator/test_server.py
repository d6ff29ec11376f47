"""The simulator's server: authentication and envelope, routing, what it records and logs, its control endpoints and Python API (campaigns/simulator/server.py)."""
import logging
from datetime import datetime, timedelta

import pytest

from campaigns.laaffic import LaafficClient
from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET, auth_headers
from tests.simulator.api import SEND, SHANGHAI, all_records, control, post, records, send, task, tasks


# Authentication and envelope

@pytest.mark.parametrize("headers", [
    {"Api-Key": "someone-else"},
    {"Sign": "0" * 32},
    {"Sign": ""},
])
def test_refuses_a_wrong_key_or_signature_with_1(simulator, example_body, headers):
    assert post(simulator, SEND, example_body, headers) == {
        "code": "-1", "msg": "Authentication error", "data": None}


def test_accepts_the_signature_in_upper_case(simulator, example_body):
    stamp = int(simulator.clock())
    upper = auth_headers(DOC_API_KEY, DOC_API_SECRET, stamp)["Sign"].upper()
    assert post(simulator, SEND, example_body, {"Sign": upper}, stamp)["code"] == "0"


def test_refuses_a_timestamp_outside_the_tolerance_with_16(simulator, example_body):
    answer = post(simulator, SEND, example_body, timestamp=int(simulator.clock()) - 301)
    assert answer["code"] == "-16"


def test_refuses_a_timestamp_that_is_not_whole_seconds_with_16(simulator, example_body):
    stamp = str(simulator.clock() + 0.5)
    headers = auth_headers(DOC_API_KEY, DOC_API_SECRET, stamp)
    assert post(simulator, SEND, example_body, headers)["code"] == "-16"


def test_refuses_a_body_that_is_not_declared_as_json_with_22(simulator, example_body):
    answer = post(simulator, SEND, example_body, {"Content-Type": "text/plain"})
    assert answer["code"] == "-22"
    assert simulator.tasks == {}


@pytest.mark.parametrize("body", ["not json", "[1, 2]", ""])
def test_refuses_a_body_that_is_not_a_json_object_with_22(simulator, body):
    assert post(simulator, SEND, body)["code"] == "-22"


def test_accepts_paths_without_the_v3_prefix(simulator, example_body):
    client = LaafficClient(simulator.base_url.removesuffix("/v3"), DOC_API_KEY, DOC_API_SECRET,
                           clock=simulator.clock)
    assert client.send_group_call(example_body).data == 100001


# Recording and logging

def test_records_each_request_with_the_signature_redacted(simulator, example_body):
    post(simulator, SEND, example_body)
    [received] = simulator.requests
    assert (received["method"], received["path"]) == ("POST", "voice/group/call/send")
    assert received["headers"]["Sign"] == "[redacted]"
    assert received["body"] == example_body


def test_logs_one_line_per_request_without_signature_or_secret(simulator, example_body, caplog):
    caplog.set_level(logging.INFO, logger="campaigns.simulator")
    stamp = int(simulator.clock())
    post(simulator, SEND, example_body, timestamp=stamp)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("campaigns.simulator")]
    assert lines == ["POST /v3/voice/group/call/send -> HTTP 200 code 0"]
    sign = auth_headers(DOC_API_KEY, DOC_API_SECRET, stamp)["Sign"]
    assert sign not in caplog.text and DOC_API_SECRET not in caplog.text


def test_reset_forgets_requests_tasks_and_faults(simulator, example_body):
    post(simulator, SEND, example_body)
    simulator.fail_next(code="-18")
    simulator.reset()
    assert (simulator.requests, simulator.tasks) == ([], {})
    assert post(simulator, SEND, example_body)["code"] == "0"


# Control endpoints and the clock

def test_control_endpoint_queues_a_fault(simulator, example_body):
    assert control(simulator, "fail", {"code": "-37", "path": SEND}).json() == {"ok": True}
    assert post(simulator, SEND, example_body)["code"] == "-37"


def test_control_endpoint_rejects_unknown_fault_options(simulator):
    assert "error" in control(simulator, "fail", {"explode": True}).json()


def test_control_endpoints_list_requests_and_tasks_and_reset(simulator, example_body):
    post(simulator, SEND, example_body)
    [received] = control(simulator, "requests", method="GET").json()
    assert received["headers"]["Sign"] == "[redacted]"
    tasks = control(simulator, "tasks", method="GET").json()
    assert tasks[example_body["taskName"]]["key_id"] == 100001
    assert control(simulator, "reset").json() == {"ok": True}
    assert control(simulator, "tasks", method="GET").json() == {}
    assert control(simulator, "requests", method="GET").json() == []


def test_finish_ends_every_remaining_call_now(simulator, clock, example_body):
    key_id = send(simulator, example_body, count=5, send_time="2025-03-02 10:00:00")
    assert control(simulator, "finish", {"taskName": "Spring sale"}).json() == {"ok": True}
    row = task(simulator, key_id)
    assert (row["status"], row["callNum"]) == (2, 5)
    hangups = {r["hangupTime"] for r in all_records(simulator)}
    assert hangups == {"2025-03-01T10:00:00+08:00"}


def test_advance_moves_the_calls_but_not_the_signature_check(simulator, example_body):
    key_id = send(simulator, example_body)
    answer = control(simulator, "advance", {"seconds": 3600}).json()
    assert answer == {"ok": True, "now": "2025-03-01T11:00:00+08:00"}
    assert task(simulator, key_id)["status"] == 2  # signed with the unmoved clock


@pytest.mark.parametrize("name, body", [
    ("advance", {"seconds": -1}),
    ("advance", {"seconds": "soon"}),
    ("finish", {"taskName": "No such task"}),
    ("bulk_task", {"taskName": "Big", "numbers": 0}),
])
def test_control_endpoints_refuse_bad_requests(simulator, name, body):
    response = control(simulator, name, body)
    assert response.status_code == 400 and "error" in response.json()


def test_reset_forgets_tasks_and_undoes_advance(simulator):
    simulator.bulk_task("Old", 3)
    simulator.advance(100)
    simulator.reset()
    assert tasks(simulator) == []
    assert simulator.now() == simulator.clock()


# Bulk tasks

def test_bulk_task_creates_a_finished_task_of_generated_numbers(simulator):
    response = control(simulator, "bulk_task", {"taskName": "Bench", "numbers": 1000,
                                                "finished": True})
    key_id = response.json()["keyId"]
    row = task(simulator, key_id)
    assert (row["status"], row["numCnt"], row["callNum"]) == (2, 1000, 1000)
    now = datetime.fromtimestamp(simulator.now(), SHANGHAI)
    first = records(simulator, now - timedelta(minutes=1), now, size=2)["records"]
    assert [r["callee"] for r in first] == ["8613800000000", "8613800000001"]


def test_an_unfinished_bulk_task_starts_calling_now(simulator, clock):
    key_id = simulator.bulk_task("Bench", 100, finished=False)
    assert task(simulator, key_id)["status"] == 1
    clock.tick(20)
    assert task(simulator, key_id)["status"] == 2


def test_bulk_task_refuses_a_name_in_use(simulator):
    simulator.bulk_task("Bench", 1)
    assert control(simulator, "bulk_task", {"taskName": "Bench", "numbers": 1}).status_code == 400
