"""Laaffic's endpoints as the simulator answers them (campaigns/simulator/endpoints.py)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from campaigns.simulator import Simulator
from tests.simulator.api import (
    CANCEL, EVER, QUERY, RECORDS, RESEND, SEND, SHANGHAI, START, UPLOAD, all_records, post, records, send, task, tasks,
)


# Group call (group-call-send.txt)

def test_accepts_the_pages_example_and_answers_like_the_page(simulator, example_body):
    assert post(simulator, SEND, example_body) == {
        "code": "0", "msg": "success", "data": 100001}


def test_remembers_the_task_without_its_callees(simulator, example_body):
    post(simulator, SEND, example_body)
    task = simulator.tasks[example_body["taskName"]]
    assert (task["key_id"], task["callee_count"]) == (100001, 1)
    assert "numberInfoList" not in task["body"]
    assert task["body"]["appId"] == "iaAJ6COV"


def test_key_ids_count_up_from_100001(simulator, example_body):
    first = post(simulator, SEND, example_body)
    example_body["taskName"] = "Second task"
    second = post(simulator, SEND, example_body)
    assert (first["data"], second["data"]) == (100001, 100002)


def test_refuses_a_hang_up_sms_with_no_trigger_with_53(simulator, example_body):
    example_body["ringPush"] = 0
    answer = post(simulator, SEND, example_body)
    assert answer["code"] == "-53"
    assert "hangUpSms" in answer["msg"]


def test_refuses_an_empty_callee_list_with_35(simulator, example_body):
    example_body["numberInfoList"] = []
    assert post(simulator, SEND, example_body)["code"] == "-35"


def test_refuses_a_task_name_used_before_with_41(simulator, example_body):
    post(simulator, SEND, example_body)
    example_body["numberInfoList"][0]["calleeNumber"] = "8613000000002"
    answer = post(simulator, SEND, example_body)
    assert answer["code"] == "-41"
    assert len(simulator.tasks) == 1


def test_refuses_text_to_speech_without_a_language_with_38(simulator, example_body):
    del example_body["lan"]
    assert post(simulator, SEND, example_body)["code"] == "-38"


def test_no_numbers_outranks_other_problems(simulator, example_body):
    example_body.update(numberInfoList=[], ringPush=0, loopCount=12)
    assert post(simulator, SEND, example_body)["code"] == "-35"


def test_refuses_other_rule_breaks_with_22_naming_each_field(simulator, example_body):
    example_body.update(loopCount=12, maxRingingTime=5)
    answer = post(simulator, SEND, example_body)
    assert answer["code"] == "-22" and answer["data"] is None
    assert "loopCount" in answer["msg"] and "maxRingingTime" in answer["msg"]
    assert simulator.tasks == {}


def test_judges_send_time_in_its_configured_time_zone(page_example):
    # 16:30 UTC on 20 June is 00:30 on 21 June in Shanghai: the page's sendTime has passed there.
    now = datetime(2024, 6, 20, 16, 30, tzinfo=timezone.utc).timestamp()
    answers = {}
    for zone in ("Asia/Shanghai", "UTC"):
        with Simulator(time_zone=zone, clock=lambda: now) as simulator:
            answers[zone] = post(simulator, SEND, page_example, timestamp=int(now))
    assert answers["Asia/Shanghai"]["code"] == "-22"
    assert "sendTime" in answers["Asia/Shanghai"]["msg"]
    assert answers["UTC"]["code"] == "0"


# Voice file upload (voice-api-reference.md §3)

def test_upload_answers_with_the_status_reason_envelope(simulator):
    answer = post(simulator, UPLOAD, {"fileName": "hello.wav", "file": "UklGRg=="})
    assert (answer["status"], answer["reason"]) == ("0", "success")
    assert answer["data"].endswith(".wav")
    assert simulator.voice_files["hello.wav"] == answer["data"]


@pytest.mark.parametrize("body", [
    {"fileName": ".mp3", "file": "UklGRg=="},
    {"fileName": "hello.ogg", "file": "UklGRg=="},
    {"fileName": "x" * 30 + ".mp3", "file": "UklGRg=="},
    {"fileName": "hello.mp3", "file": "not base64!"},
    {"fileName": "hello.mp3", "file": ""},
])
def test_upload_refuses_bad_names_and_contents_with_22(simulator, body):
    assert post(simulator, UPLOAD, body)["status"] == "-22"


def test_upload_refuses_a_repeated_file_name_with_20(simulator):
    post(simulator, UPLOAD, {"fileName": "hello.mp3", "file": "SUQz"})
    assert post(simulator, UPLOAD, {"fileName": "hello.mp3", "file": "SUQz"})["status"] == "-20"


# Task list (§4)

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


# Cancel (§5.1)

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


# Resend (§6)

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


# Record query (§7.1)

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


def test_several_tasks_of_one_campaign_sent_at_once_are_each_accepted_listed_and_reported(
        simulator, clock, example_body, limit_of_4):
    """A campaign over the per-task limit goes out as parts (services/parts.py): the simulator takes each part
    as its own task, refuses a body over the limit (the contract table's, here lowered to 4) and reports each."""
    over = dict(example_body, taskName="Sale", numberInfoList=[{"calleeNumber": f"8613100000{i:02d}"} for i in range(5)])
    refused = post(simulator, SEND, over)
    assert refused["code"] == "-22" and "at most 4 numbers" in refused["msg"]
    sizes = {"Sale (1/3)": 4, "Sale (2/3)": 4, "Sale (3/3)": 1}
    keys = {}
    for n, (name, count) in enumerate(sizes.items()):
        body = dict(example_body, taskName=name, sendTime=None, numberInfoList=[
            {"calleeNumber": f"8613{n}000000{i:02d}"} for i in range(count)])
        answer = post(simulator, SEND, body)
        assert answer["code"] == "0", answer
        keys[name] = answer["data"]
    listed = {row["taskName"]: (row["jobId"], row["numCnt"]) for row in tasks(simulator, searchCondition="sale (")}
    assert listed == {name: (keys[name], count) for name, count in sizes.items()}
    clock.tick(60)
    calls = all_records(simulator)
    assert len({call["voiceId"] for call in calls}) == 9
    by_task = {name: sorted(c["callee"] for c in calls if c["voiceId"].startswith(str(key))) for name, key in keys.items()}
    assert [len(numbers) for numbers in by_task.values()] == [4, 4, 1]
    assert by_task["Sale (3/3)"] == ["8613200000000"]
