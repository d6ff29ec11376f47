import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import requests

from campaigns.laaffic import parse_push
from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET, auth_headers
from campaigns.simulator import Simulator

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 3, 1, 10, 0, tzinfo=SHANGHAI)
SEND = "/voice/group/call/send"
QUERY = "/voice/group/call/query"
CANCEL = "/voice/group/call/cancel"
RESEND = "/voice/group/call/resend"
RECORDS = "/voice/recordGroupQuery"
EVER = {"strTime": "2000-01-01 00:00:00", "endTime": "2099-12-31 23:59:59"}


class Clock:
    def __init__(self, start: datetime = START):
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def simulator(clock):
    with Simulator(clock=clock, call_seconds=20) as running:
        yield running


def post(simulator, path, body):
    headers = auth_headers(DOC_API_KEY, DOC_API_SECRET, int(simulator.clock()))
    return requests.post(simulator.base_url + path, data=json.dumps(body), headers=headers,
                         timeout=5).json()


def control(simulator, name, body):
    root = simulator.base_url.removesuffix("/v3")
    return requests.post(f"{root}/_sim/{name}", json=body, timeout=5)


def send(simulator, example_body, name="Spring sale", count=4, send_time=None):
    body = dict(example_body, taskName=name, sendTime=send_time, numberInfoList=[
        {"calleeNumber": f"86130000{i:05d}", "text1": f"Tom {i}"} for i in range(count)])
    answer = post(simulator, SEND, body)
    assert answer["code"] == "0", answer
    return answer["data"]


def tasks(simulator, **params) -> list[dict]:
    answer = post(simulator, QUERY, {"current": 1, "size": 100, "params": {**EVER, **params}})
    assert answer["code"] == 0, answer
    return answer["data"]["records"]


def task(simulator, key_id) -> dict:
    return next(row for row in tasks(simulator) if row["jobId"] == key_id)


def records(simulator, start, end, current=1, size=100) -> dict:
    answer = post(simulator, RECORDS, {"current": current, "size": size, "params": {
        "strTime": start.isoformat(), "endTime": end.isoformat()}})
    assert answer["status"] == "0", answer
    return answer["data"]


def all_records(simulator) -> list[dict]:
    now = datetime.fromtimestamp(simulator.now(), SHANGHAI)
    data = records(simulator, now - timedelta(days=30), now + timedelta(days=1))
    assert data["total"] <= 100
    return data["records"]


# Progress over time

def test_a_task_calls_its_numbers_over_call_seconds_and_then_finishes(
        simulator, clock, example_body):
    key_id = send(simulator, example_body)
    progress = []
    for _ in range(3):
        row = task(simulator, key_id)
        progress.append((row["status"], row["callNum"], row["rate"]))
        clock.tick(10)
    assert progress == [(1, 0, "0"), (1, 2, "50"), (2, 4, "100")]
    row = task(simulator, key_id)
    assert row["success"] + row["fail"] == row["numCnt"] == 4
    assert row["taskName"] == "Spring sale"
    assert row["createdTime"] == "2025-03-01 10:00:00"


def test_a_scheduled_task_waits_for_its_send_time_in_the_provider_zone(
        simulator, clock, example_body):
    key_id = send(simulator, example_body, send_time="2025-03-01 11:00:00")
    assert task(simulator, key_id)["status"] == 0
    clock.tick(3600 + 5)
    assert (task(simulator, key_id)["status"], task(simulator, key_id)["callNum"]) == (1, 1)
    simulator.advance(60)
    assert task(simulator, key_id)["status"] == 2


def test_records_appear_only_for_calls_that_have_ended(simulator, clock, example_body):
    send(simulator, example_body, count=4)
    clock.tick(10)
    ended = all_records(simulator)
    assert [r["callee"] for r in ended] == ["8613000000000", "8613000000001"]
    assert [json.loads(r["calledInfo"]) for r in ended] == [{"text1": "Tom 0"},
                                                            {"text1": "Tom 1"}]


def test_outcomes_follow_the_seed_and_task_name(clock):
    answered = {}
    for seed in (0, 0, 1):
        with Simulator(clock=clock, seed=seed) as simulator:
            key_id = simulator.bulk_task("Shares", 4000)
            row = task(simulator, key_id)
        answered.setdefault(seed, []).append(row["success"])
    assert answered[0][0] == answered[0][1] != answered[1][0]
    assert 0.5 < answered[0][0] / 4000 < 0.6


def test_call_records_describe_each_outcome_consistently(simulator):
    simulator.bulk_task("Mixed", 60)
    calls = all_records(simulator)
    answered = [r for r in calls if r["answerTime"]]
    unanswered = [r for r in calls if not r["answerTime"]]
    assert answered and unanswered
    for record in answered:
        assert record["terminationCode"] == "200"
        assert 5 <= record["callDuration"] <= 60
        assert record["chargedDuration"] == 60 * -(-record["callDuration"] // 60)
        assert record["cost"] == "0.0123"  # one minute at 0.0123 a minute
    for record in unanswered:
        assert record["terminationCode"] != "200"
        assert (record["callDuration"], record["cost"], record["feedbackValue"]) == (
            0, "0.0000", "-1")
    for record in calls:
        times = [record[f"{n}Time"] for n in ("submit", "call", "ringing", "answer", "hangup")]
        present = [datetime.fromisoformat(t) for t in times if t]
        assert present == sorted(present)
        assert all(t.endswith("+08:00") for t in times if t)


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


# Cancel

def test_cancel_stops_the_calls_not_yet_made(simulator, clock, example_body):
    key_id = send(simulator, example_body, count=4)
    clock.tick(6)
    assert post(simulator, CANCEL, {"taskIdList": [key_id]}) == {
        "code": "0", "msg": "success", "data": None}
    clock.tick(60)
    row = task(simulator, key_id)
    assert (row["status"], row["callNum"], row["numCnt"]) == (4, 1, 4)
    assert len(all_records(simulator)) == 1


def test_cancel_a_waiting_task_makes_no_calls(simulator, clock, example_body):
    key_id = send(simulator, example_body, send_time="2025-03-01 12:00:00")
    post(simulator, CANCEL, {"taskIdList": [key_id]})
    clock.tick(86400)
    assert (task(simulator, key_id)["status"], all_records(simulator)) == (4, [])


def test_cancel_refuses_unknown_ids_with_24_and_changes_nothing(simulator, example_body):
    key_id = send(simulator, example_body)
    answer = post(simulator, CANCEL, {"taskIdList": [key_id, 999]})
    assert answer["code"] == "-24" and "999" in answer["msg"]
    assert task(simulator, key_id)["status"] == 1


def test_cancel_refuses_a_task_that_is_not_waiting_or_calling_with_54(simulator):
    key_id = simulator.bulk_task("Done", 3)
    assert post(simulator, CANCEL, {"taskIdList": [key_id]})["code"] == "-54"
    assert task(simulator, key_id)["status"] == 2


@pytest.mark.parametrize("body", [{}, {"taskIdList": []}, {"taskIdList": ["x"]}])
def test_cancel_refuses_a_missing_or_bad_id_list_with_22(simulator, body):
    assert post(simulator, CANCEL, body)["code"] == "-22"


# Resend

def test_resend_all_calls_every_number_again_as_a_linked_task(simulator, clock):
    parent = simulator.bulk_task("Parent", 20)
    answer = post(simulator, RESEND, {"keyId": parent, "taskName": "Again", "resendType": 0,
                                      "displayNum": "1008", "maxRingingTime": 30})
    assert (answer["status"], answer["reason"]) == ("0", "success")
    child = answer["data"]
    assert child == parent + 1
    clock.tick(20)
    row = task(simulator, child)
    assert (row["taskName"], row["numCnt"], row["status"]) == ("Again", 20, 2)
    again = [r for r in all_records(simulator) if r["voiceId"].startswith(str(child))]
    assert len(again) == 20 and {r["displayNum"] for r in again} == {"1008"}
    assert simulator.tasks["Again"]["source_task_id"] == parent


def test_resend_failed_calls_only_the_numbers_not_answered(simulator, clock):
    parent = simulator.bulk_task("Parent", 40)
    failed = {r["callee"] for r in all_records(simulator) if not r["answerTime"]}
    not_answered = task(simulator, parent)["fail"]
    child = post(simulator, RESEND, {"keyId": parent, "taskName": "Failed only",
                                     "resendType": 1})["data"]
    clock.tick(20)
    again = {r["callee"] for r in all_records(simulator) if r["voiceId"].startswith(str(child))}
    assert task(simulator, child)["numCnt"] == not_answered < 40
    assert failed <= again  # voicemail has an answer time but no person: re-called too
    assert len(again) == not_answered


def test_resend_failed_of_a_cancelled_task_leaves_out_numbers_never_called(
        simulator, clock, example_body):
    parent = send(simulator, example_body, count=10)
    clock.tick(10)
    post(simulator, CANCEL, {"taskIdList": [parent]})
    called = task(simulator, parent)
    child = post(simulator, RESEND, {"keyId": parent, "taskName": "Failed only",
                                     "resendType": 1})
    everyone = post(simulator, RESEND, {"keyId": parent, "taskName": "Everyone"})
    assert task(simulator, child["data"])["numCnt"] == called["fail"]
    assert task(simulator, everyone["data"])["numCnt"] == 10


@pytest.mark.parametrize("change, code", [
    ({"keyId": None}, "-22"),
    ({"taskName": None}, "-22"),
    ({"taskName": "x"}, "-22"),
    ({"resendType": 2}, "-22"),
    ({"sendTime": "tomorrow"}, "-22"),
    ({"keyId": 999}, "-24"),
    ({"taskName": "Parent"}, "-41"),
])
def test_resend_refuses_bad_requests(simulator, change, code):
    parent = simulator.bulk_task("Parent", 3)
    body = {"keyId": parent, "taskName": "New", "resendType": 1, **change}
    answer = post(simulator, RESEND, {k: v for k, v in body.items() if v is not None})
    assert (answer["status"], answer["data"]) == (code, None)
    assert "New" not in simulator.tasks


def test_resend_refuses_a_task_still_calling_with_54(simulator, example_body):
    parent = send(simulator, example_body)
    assert post(simulator, RESEND, {"keyId": parent, "taskName": "New"})["status"] == "-54"


def test_resend_failed_with_nothing_failed_is_refused_with_35(simulator):
    for i in range(50):
        parent = simulator.bulk_task(f"Try {i}", 1)
        if task(simulator, parent)["success"] == 1:
            break
    answer = post(simulator, RESEND, {"keyId": parent, "taskName": "New", "resendType": 1})
    assert answer["status"] == "-35"


# Task list

def test_task_list_answers_with_a_numeric_code_and_jobid_by_default(simulator):
    key_id = simulator.bulk_task("Listed", 2)
    answer = post(simulator, QUERY, {"current": 1, "size": 10, "params": EVER})
    assert (answer["code"], answer["msg"]) == (0, "success")
    assert {k: answer["data"][k] for k in ("total", "size", "current", "pages")} == {
        "total": 1, "size": 10, "current": 1, "pages": 1}
    [row] = answer["data"]["records"]
    assert set(row) == {"jobId", "taskName", "status", "rate", "numCnt", "callNum", "success",
                        "fail", "createdTime"}
    assert row["jobId"] == key_id


def test_task_list_can_name_the_id_taskid(clock):
    with Simulator(clock=clock, task_id_name="taskId") as simulator:
        key_id = simulator.bulk_task("Listed", 2)
        [row] = tasks(simulator)
    assert row["taskId"] == key_id and "jobId" not in row


def test_task_list_filters_by_status_name_and_creation_time(simulator, clock, example_body):
    done = simulator.bulk_task("Spring done", 2)
    clock.tick(3600)
    calling = send(simulator, example_body, name="Spring calling")
    waiting = send(simulator, example_body, name="Autumn waiting",
                   send_time="2025-03-02 00:00:00")
    ids = lambda rows: [row["jobId"] for row in rows]  # noqa: E731
    assert ids(tasks(simulator)) == [waiting, calling, done]
    assert ids(tasks(simulator, statusList=[0, 2])) == [waiting, done]
    assert ids(tasks(simulator, searchCondition="spring")) == [calling, done]
    assert ids(tasks(simulator, strTime="2025-03-01 11:00:00",
                     endTime="2025-03-01 11:00:00")) == [waiting, calling]


def test_task_list_pages(simulator):
    for i in range(5):
        simulator.bulk_task(f"Task {i}", 1)
    body = {"current": 3, "size": 2, "params": EVER}
    data = post(simulator, QUERY, body)["data"]
    assert (data["total"], data["pages"], [r["taskName"] for r in data["records"]]) == (
        5, 3, ["Task 0"])


@pytest.mark.parametrize("body", [
    {"size": 10, "params": EVER},
    {"current": 1, "size": 101, "params": EVER},
    {"current": 0, "size": 10, "params": EVER},
    {"current": 1, "size": 10},
    {"current": 1, "size": 10, "params": {"strTime": "2025-03-01"}},
    {"current": 1, "size": 10, "params": {**EVER, "statusList": "2"}},
    {"current": 1, "size": 10, "params": {"strTime": "2025-03-02 00:00:00",
                                          "endTime": "2025-03-01 00:00:00"}},
])
def test_task_list_refuses_bad_paging_or_params_with_22(simulator, body):
    answer = post(simulator, QUERY, body)
    assert (answer["code"], answer["data"]) == (-22, None)


# Record query

def test_record_query_pages_through_every_call_once(simulator):
    key_id = simulator.bulk_task("Bulk", 250)
    now = datetime.fromtimestamp(simulator.now(), SHANGHAI)
    pages = [records(simulator, now - timedelta(hours=1), now, current=n) for n in (1, 2, 3, 4)]
    assert [(p["total"], p["pages"], p["current"], len(p["records"])) for p in pages] == [
        (250, 3, 1, 100), (250, 3, 2, 100), (250, 3, 3, 50), (250, 3, 4, 0)]
    voice_ids = [r["voiceId"] for p in pages for r in p["records"]]
    assert len(set(voice_ids)) == 250
    assert all(v.startswith(str(key_id)) for v in voice_ids)
    # §7.3: the record query names no task, type or callStatus (the push does).
    assert not {"taskId", "sourceTaskId", "type", "callStatus"} & {k for p in pages for r in p["records"] for k in r}
    again = records(simulator, now - timedelta(hours=1), now, current=2)
    assert again == pages[1]


def test_record_query_returns_only_calls_that_ended_in_the_window(simulator, clock):
    simulator.bulk_task("Ten", 10, finished=False)  # one call ends every 2 seconds
    clock.tick(20)
    start = START + timedelta(seconds=4)
    data = records(simulator, start, start + timedelta(seconds=5))
    hangups = [r["hangupTime"] for r in data["records"]]
    assert hangups == ["2025-03-01T10:00:04+08:00", "2025-03-01T10:00:06+08:00",
                       "2025-03-01T10:00:08+08:00"]


def test_record_query_accepts_any_offset(simulator):
    simulator.bulk_task("Bulk", 3)
    now = datetime.fromtimestamp(simulator.now(), ZoneInfo("UTC"))
    assert records(simulator, now - timedelta(minutes=1), now)["total"] == 3


def test_record_query_uses_default_paging_when_left_out(simulator):
    simulator.bulk_task("Bulk", 30)
    now = datetime.fromtimestamp(simulator.now(), SHANGHAI)
    answer = post(simulator, RECORDS, {"params": {
        "strTime": (now - timedelta(minutes=1)).isoformat(), "endTime": now.isoformat()}})
    assert (answer["data"]["size"], len(answer["data"]["records"])) == (25, 25)


@pytest.mark.parametrize("window", [
    {},
    {"strTime": "2025-02-01T00:00:00+08:00"},
    {"strTime": "2025-01-01T00:00:00+08:00", "endTime": "2025-02-01T00:00:01+08:00"},
    {"strTime": "2025-03-01T00:00:00", "endTime": "2025-03-01T10:00:00"},
    {"strTime": "2025-03-01T10:00:00+08:00", "endTime": "2025-03-01T09:00:00+08:00"},
])
def test_record_query_refuses_a_missing_or_too_long_window_with_22(simulator, window):
    answer = post(simulator, RECORDS, {"current": 1, "size": 10, "params": window})
    assert (answer["status"], answer["data"]) == ("-22", None)


@pytest.mark.parametrize("size", [0, 101, None])
def test_record_query_refuses_a_size_outside_1_to_100_with_22(simulator, size):
    answer = post(simulator, RECORDS, {"current": 1, "size": size, "params": {
        "strTime": "2025-03-01T00:00:00+08:00", "endTime": "2025-03-01T10:00:00+08:00"}})
    assert answer["status"] == "-22"


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


# Status push

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
