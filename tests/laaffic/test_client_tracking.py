"""The client's task list, cancel, resend and record query, against the simulator on a fixed clock."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from campaigns.laaffic import CallRecord, LaafficClient, LaafficError, outcome
from campaigns.laaffic.errors import STATUS_MESSAGES
from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET
from campaigns.simulator import Simulator
from tests.laaffic.test_records import NOW, QUERIED

EVER = ("2000-01-01 00:00:00", "2099-12-31 23:59:59")


class Clock:
    def __init__(self):
        self.now = NOW.timestamp()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def simulator(clock):
    with Simulator(clock=clock) as running:
        yield running


@pytest.fixture
def client(simulator, clock):
    return LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET, timeout=5,
                         clock=clock)


def task_list(*rows, envelope=("code", "msg"), code=0) -> str:
    code_key, message_key = envelope
    return json.dumps({code_key: code, message_key: "success", "data": {
        "total": len(rows), "size": 100, "current": 1, "pages": 1, "records": list(rows)}})


def send(client, example_body, name="Spring sale", count=3, send_time=None) -> int:
    body = dict(example_body, taskName=name, sendTime=send_time, numberInfoList=[
        {"calleeNumber": f"86130000{i:05d}"} for i in range(count)])
    return client.send_group_call(body).data


# Task list

def test_query_tasks_reads_each_task_into_python_names(client, simulator, example_body):
    key_id = send(client, example_body, send_time="2025-03-02 09:00:00")
    page = client.query_tasks(*EVER)
    assert (page.total, page.pages, page.current) == (1, 1, 1)
    [status] = page.records
    assert (status.task_id, status.task_name, status.status, status.status_label) == (
        key_id, "Spring sale", 0, "Waiting to start")
    assert (status.rate, status.numbers, status.called, status.success, status.fail) == (
        0.0, 3, 0, 0, 0)
    assert status.created_time == "2025-03-01 10:00:00"
    assert page.exchange.url.endswith("/v3/voice/group/call/query")


def test_query_tasks_sends_the_documented_body(client, simulator):
    client.query_tasks("2025-03-01 00:00:00", "2025-03-01 23:59:59", search="sale",
                       statuses=[1, 2], page=2, size=10)
    assert simulator.requests[-1]["body"] == {"current": 2, "size": 10, "params": {
        "strTime": "2025-03-01 00:00:00", "endTime": "2025-03-01 23:59:59",
        "statusList": [1, 2], "searchCondition": "sale"}}
    client.query_tasks(*EVER)
    assert simulator.requests[-1]["body"]["params"] == {
        "strTime": EVER[0], "endTime": EVER[1], "statusList": []}


def test_query_tasks_follows_a_task_through_to_finished(client, simulator, clock, example_body):
    key_id = send(client, example_body)
    clock.now += 60
    [status] = client.query_tasks(*EVER, statuses=[2]).records
    assert (status.task_id, status.status_label, status.rate) == (key_id, "Finished", 100.0)
    assert status.success + status.fail == status.called == 3


@pytest.mark.parametrize("envelope, code", [
    (("code", "msg"), 0), (("code", "msg"), "0"), (("status", "reason"), "0"),
])
def test_query_tasks_reads_either_envelope_and_code_type(client, simulator, envelope, code):
    simulator.fail_next(body=task_list({"jobId": 7, "taskName": "A"}, envelope=envelope,
                                       code=code))
    assert [t.task_id for t in client.query_tasks(*EVER).records] == [7]


@pytest.mark.parametrize("row", [{"jobId": 7}, {"taskId": 7}, {"taskId": "7"}])
def test_query_tasks_reads_the_task_id_as_jobid_or_taskid(client, simulator, row):
    simulator.fail_next(body=task_list(row))
    assert client.query_tasks(*EVER).records[0].task_id == 7


def test_query_tasks_reads_the_taskid_variant_of_the_simulator(clock):
    with Simulator(clock=clock, task_id_name="taskId") as simulator:
        client = LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET, clock=clock)
        key_id = simulator.bulk_task("Bulk", 3)
        assert client.query_tasks(*EVER).records[0].task_id == key_id


def test_query_tasks_reads_numbers_sent_as_text_and_leaves_out_what_is_missing(
        client, simulator):
    simulator.fail_next(body=task_list({"jobId": "8", "status": "1", "numCnt": "12",
                                        "callNum": " 4 ", "success": 3, "fail": "x",
                                        "rate": "33%", "scriptId": 5, "taskType": 1}))
    [status] = client.query_tasks(*EVER).records
    assert (status.task_id, status.status, status.status_label) == (8, 1, "Calling")
    assert (status.numbers, status.called, status.success, status.fail) == (12, 4, 3, None)
    assert (status.rate, status.task_name, status.created_time) == (33.0, None, None)


def test_query_tasks_failure_with_a_numeric_code_is_classified(client, simulator):
    simulator.fail_next(body='{"code": -22, "msg": "Parameter exception", "data": null}')
    with pytest.raises(LaafficError) as caught:
        client.query_tasks(*EVER)
    assert (caught.value.code, caught.value.retryable) == ("-22", False)


@pytest.mark.parametrize("data", ['"oops"', "null", '{"records": "none"}', '{"records": [1]}'])
def test_query_tasks_without_a_page_is_an_unreadable_answer(client, simulator, data):
    simulator.fail_next(body=f'{{"code": 0, "msg": "success", "data": {data}}}')
    with pytest.raises(LaafficError) as caught:
        client.query_tasks(*EVER)
    assert (caught.value.code, caught.value.retryable) == (None, True)


@pytest.mark.parametrize("kwargs", [{"page": 0}, {"size": 0}, {"size": 101}])
def test_query_tasks_refuses_bad_paging_before_sending(client, simulator, kwargs):
    with pytest.raises(ValueError):
        client.query_tasks(*EVER, **kwargs)
    assert simulator.requests == []


# Cancel and resend

def test_cancel_tasks_cancels_and_the_task_list_says_so(client, simulator, example_body):
    key_id = send(client, example_body)
    reply = client.cancel_tasks([key_id])
    assert (reply.code, reply.message, reply.data) == ("0", "success", None)
    assert simulator.requests[-1]["body"] == {"taskIdList": [key_id]}
    assert client.query_tasks(*EVER).records[0].status_label == "Cancelled"


@pytest.mark.parametrize("finished, code", [(False, "-24"), (True, "-54")])
def test_cancel_tasks_refusals_are_permanent_errors(client, simulator, finished, code):
    task_ids = [simulator.bulk_task("Done", 2)] if finished else [424242]
    with pytest.raises(LaafficError) as caught:
        client.cancel_tasks(task_ids)
    assert (caught.value.code, caught.value.retryable) == (code, False)
    assert caught.value.message.startswith(STATUS_MESSAGES[code])


def test_resend_task_returns_the_new_key_id(client, simulator, example_body):
    parent = send(client, example_body)
    simulator.finish("Spring sale")
    reply = client.resend_task({"keyId": parent, "taskName": "Spring sale again",
                                "resendType": 0})
    assert (reply.code, reply.data) == ("0", parent + 1)
    assert reply.exchange.url.endswith("/v3/voice/group/call/resend")
    assert {t.task_name: t.numbers for t in client.query_tasks(*EVER).records} == {
        "Spring sale": 3, "Spring sale again": 3}


def test_resend_task_of_a_task_still_calling_is_refused(client, simulator, example_body):
    parent = send(client, example_body)
    with pytest.raises(LaafficError) as caught:
        client.resend_task({"keyId": parent, "taskName": "Too soon"})
    assert caught.value.code == "-54"


# Call records

def test_query_records_reads_each_call(client, simulator):
    key_id = simulator.bulk_task("Bulk", 3)
    page = client.query_records(NOW - timedelta(hours=1), NOW)
    assert (page.total, page.pages, page.current, page.rejected) == (3, 1, 1, [])
    first = page.records[0]
    assert isinstance(first, CallRecord)
    assert (first.task_id, first.callee, first.currency) == (None, "8613800000000", "USD")  # §7.3 has no taskId
    assert first.voice_id.startswith(str(key_id))
    assert first.hangup_time.utcoffset() == timedelta(hours=8)
    assert first.hangup_time <= NOW
    assert {outcome(r) for r in page.records} <= {"answered", "failed"}


def test_query_records_sends_times_with_their_offset(client, simulator):
    start = datetime(2025, 2, 28, 0, 0, tzinfo=timezone.utc)
    client.query_records(start, start + timedelta(days=1), page=3, size=50)
    assert simulator.requests[-1]["body"] == {"current": 3, "size": 50, "params": {
        "strTime": "2025-02-28T00:00:00+00:00", "endTime": "2025-03-01T00:00:00+00:00"}}
    client.query_records(NOW.replace(microsecond=123456), NOW + timedelta(hours=1))
    assert simulator.requests[-1]["body"]["params"]["strTime"] == "2025-03-01T10:00:00+08:00"


def test_query_records_pages_through_all_calls(client, simulator):
    simulator.bulk_task("Bulk", 250)
    pages = [client.query_records(NOW - timedelta(hours=1), NOW, page=n) for n in (1, 2, 3)]
    assert [(p.pages, len(p.records)) for p in pages] == [(3, 100), (3, 100), (3, 50)]
    assert len({r.voice_id for p in pages for r in p.records}) == 250


@pytest.mark.parametrize("start, end, message", [
    (NOW - timedelta(days=31, seconds=1), NOW, "longer than Laaffic's limit of 31 days"),
    (NOW - timedelta(days=63), NOW - timedelta(days=62), "more than 62 days ago"),
    (NOW, NOW - timedelta(hours=1), "ends"),
    (NOW.replace(tzinfo=None), NOW, "has no time zone"),
])
def test_query_records_refuses_a_window_laaffic_would_refuse(
        client, simulator, start, end, message):
    with pytest.raises(ValueError, match=message):
        client.query_records(start, end)
    assert simulator.requests == []


@pytest.mark.parametrize("kwargs", [{"size": 0}, {"size": 101}, {"page": 0}])
def test_query_records_refuses_bad_paging_before_sending(client, simulator, kwargs):
    with pytest.raises(ValueError):
        client.query_records(NOW - timedelta(hours=1), NOW, **kwargs)
    assert simulator.requests == []


def test_query_records_accepts_the_longest_window_allowed(client, simulator):
    page = client.query_records(NOW - timedelta(days=31), NOW)
    assert page.total == 0


def test_query_records_sets_aside_a_record_it_cannot_read(client, simulator):
    broken = dict(QUERIED, voiceId=None)
    simulator.fail_next(body=json.dumps({"status": 0, "reason": "success", "data": {
        "total": 2, "size": 100, "current": 1, "pages": 1, "records": [QUERIED, broken]}}))
    page = client.query_records(NOW - timedelta(hours=1), NOW)
    assert [r.voice_id for r in page.records] == ["2203031113381000002"]
    [(raw, reason)] = page.rejected
    assert raw == broken and "no voiceId" in reason


def test_query_records_sets_aside_a_record_with_an_impossible_time_by_its_own_clock(client, simulator):
    tomorrow = dict(QUERIED, voiceId="late", hangupTime="2025-03-02T10:00:01+08:00")
    simulator.fail_next(body=json.dumps({"status": 0, "reason": "success", "data": {
        "total": 2, "size": 100, "current": 1, "pages": 1, "records": [QUERIED, tomorrow]}}))
    page = client.query_records(NOW - timedelta(hours=1), NOW)
    assert [r.voice_id for r in page.records] == ["2203031113381000002"]
    assert "hangupTime '2025-03-02T10:00:01+08:00' is out of range" in page.rejected[0][1]


def test_query_records_failure_is_classified(client, simulator):
    simulator.fail_next(code="-18", path="voice/recordGroupQuery")
    with pytest.raises(LaafficError) as caught:
        client.query_records(NOW - timedelta(hours=1), NOW)
    assert (caught.value.code, caught.value.retryable) == ("-18", True)
