import json
import logging
import time
from datetime import datetime, timezone

import pytest
import requests

from campaigns.laaffic import LaafficClient
from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET, auth_headers
from campaigns.simulator import Simulator

GROUP_CALL = "/voice/group/call/send"
UPLOAD = "/voice/fileUpload"


def post(simulator, path, body, headers=None, timestamp=None):
    """POST like the provider's docs show, with any header overridden."""
    signed = auth_headers(DOC_API_KEY, DOC_API_SECRET, timestamp or int(time.time()))
    signed.update(headers or {})
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(simulator.base_url + path, data=data, headers=signed, timeout=5).json()


def control(simulator, method, name, body=None):
    root = simulator.base_url.removesuffix("/v3")
    return requests.request(method, f"{root}/_sim/{name}", json=body, timeout=5).json()


# Group call

def test_accepts_the_pages_example_and_answers_like_the_page(simulator, example_body):
    assert post(simulator, GROUP_CALL, example_body) == {
        "code": "0", "msg": "success", "data": 100001}


def test_remembers_the_task_without_its_callees(simulator, example_body):
    post(simulator, GROUP_CALL, example_body)
    task = simulator.tasks[example_body["taskName"]]
    assert (task["key_id"], task["callee_count"]) == (100001, 1)
    assert "numberInfoList" not in task["body"]
    assert task["body"]["appId"] == "iaAJ6COV"


def test_key_ids_count_up_from_100001(simulator, example_body):
    first = post(simulator, GROUP_CALL, example_body)
    example_body["taskName"] = "Second task"
    second = post(simulator, GROUP_CALL, example_body)
    assert (first["data"], second["data"]) == (100001, 100002)


def test_accepts_paths_without_the_v3_prefix(simulator, example_body):
    client = LaafficClient(simulator.base_url.removesuffix("/v3"), DOC_API_KEY, DOC_API_SECRET)
    assert client.send_group_call(example_body).data == 100001


def test_refuses_a_hang_up_sms_with_no_trigger_with_53(simulator, example_body):
    example_body["ringPush"] = 0
    answer = post(simulator, GROUP_CALL, example_body)
    assert answer["code"] == "-53"
    assert "hangUpSms" in answer["msg"]


def test_refuses_an_empty_callee_list_with_35(simulator, example_body):
    example_body["numberInfoList"] = []
    assert post(simulator, GROUP_CALL, example_body)["code"] == "-35"


def test_refuses_a_task_name_used_before_with_41(simulator, example_body):
    post(simulator, GROUP_CALL, example_body)
    example_body["numberInfoList"][0]["calleeNumber"] = "8613000000002"
    answer = post(simulator, GROUP_CALL, example_body)
    assert answer["code"] == "-41"
    assert len(simulator.tasks) == 1


def test_refuses_text_to_speech_without_a_language_with_38(simulator, example_body):
    del example_body["lan"]
    assert post(simulator, GROUP_CALL, example_body)["code"] == "-38"


def test_no_numbers_outranks_other_problems(simulator, example_body):
    example_body.update(numberInfoList=[], ringPush=0, loopCount=12)
    assert post(simulator, GROUP_CALL, example_body)["code"] == "-35"


def test_refuses_other_rule_breaks_with_22_naming_each_field(simulator, example_body):
    example_body.update(loopCount=12, maxRingingTime=5)
    answer = post(simulator, GROUP_CALL, example_body)
    assert answer["code"] == "-22" and answer["data"] is None
    assert "loopCount" in answer["msg"] and "maxRingingTime" in answer["msg"]
    assert simulator.tasks == {}


def test_judges_send_time_in_its_configured_time_zone(page_example):
    # 16:30 UTC on 20 June is 00:30 on 21 June in Shanghai: the page's sendTime has passed there.
    now = datetime(2024, 6, 20, 16, 30, tzinfo=timezone.utc).timestamp()
    answers = {}
    for zone in ("Asia/Shanghai", "UTC"):
        with Simulator(time_zone=zone, clock=lambda: now) as simulator:
            answers[zone] = post(simulator, GROUP_CALL, page_example, timestamp=int(now))
    assert answers["Asia/Shanghai"]["code"] == "-22"
    assert "sendTime" in answers["Asia/Shanghai"]["msg"]
    assert answers["UTC"]["code"] == "0"


# Authentication and envelope

@pytest.mark.parametrize("headers", [
    {"Api-Key": "someone-else"},
    {"Sign": "0" * 32},
    {"Sign": ""},
])
def test_refuses_a_wrong_key_or_signature_with_1(simulator, example_body, headers):
    assert post(simulator, GROUP_CALL, example_body, headers) == {
        "code": "-1", "msg": "Authentication error", "data": None}


def test_accepts_the_signature_in_upper_case(simulator, example_body):
    stamp = int(time.time())
    upper = auth_headers(DOC_API_KEY, DOC_API_SECRET, stamp)["Sign"].upper()
    assert post(simulator, GROUP_CALL, example_body, {"Sign": upper}, stamp)["code"] == "0"


def test_refuses_a_timestamp_outside_the_tolerance_with_16(simulator, example_body):
    answer = post(simulator, GROUP_CALL, example_body, timestamp=int(time.time()) - 301)
    assert answer["code"] == "-16"


def test_refuses_a_timestamp_that_is_not_whole_seconds_with_16(simulator, example_body):
    stamp = str(time.time())
    headers = auth_headers(DOC_API_KEY, DOC_API_SECRET, stamp)
    assert post(simulator, GROUP_CALL, example_body, headers)["code"] == "-16"


def test_refuses_a_body_that_is_not_declared_as_json_with_22(simulator, example_body):
    answer = post(simulator, GROUP_CALL, example_body, {"Content-Type": "text/plain"})
    assert answer["code"] == "-22"
    assert simulator.tasks == {}


@pytest.mark.parametrize("body", ["not json", "[1, 2]", ""])
def test_refuses_a_body_that_is_not_a_json_object_with_22(simulator, body):
    assert post(simulator, GROUP_CALL, body)["code"] == "-22"


# Voice file upload

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


# Recording and faults

def test_records_each_request_with_the_signature_redacted(simulator, example_body):
    post(simulator, GROUP_CALL, example_body)
    [received] = simulator.requests
    assert (received["method"], received["path"]) == ("POST", "voice/group/call/send")
    assert received["headers"]["Sign"] == "[redacted]"
    assert received["body"] == example_body


def test_logs_one_line_per_request_without_signature_or_secret(simulator, example_body, caplog):
    caplog.set_level(logging.INFO, logger="campaigns.simulator")
    stamp = int(time.time())
    post(simulator, GROUP_CALL, example_body, timestamp=stamp)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("campaigns.simulator")]
    assert lines == ["POST /v3/voice/group/call/send -> HTTP 200 code 0"]
    sign = auth_headers(DOC_API_KEY, DOC_API_SECRET, stamp)["Sign"]
    assert sign not in caplog.text and DOC_API_SECRET not in caplog.text


def test_a_coded_fault_answers_the_pages_message_and_creates_no_task(simulator, example_body):
    simulator.fail_next(code=-37)
    answer = post(simulator, GROUP_CALL, example_body)
    assert answer["code"] == "-37" and answer["msg"].startswith("The group call task")
    assert simulator.tasks == {}
    assert post(simulator, GROUP_CALL, example_body)["code"] == "0"


def test_a_fault_for_one_path_leaves_the_other_alone(simulator, example_body):
    simulator.fail_next(code="-18", path="voice/fileUpload")
    assert post(simulator, GROUP_CALL, example_body)["code"] == "0"
    assert post(simulator, UPLOAD, {"fileName": "hello.mp3", "file": "SUQz"})["status"] == "-18"


def test_a_fault_repeated_times_is_used_up_in_order(simulator, example_body):
    simulator.fail_next(code="-18", times=2)
    simulator.fail_next(code="-37")
    codes = [post(simulator, GROUP_CALL, example_body)["code"] for _ in range(4)]
    assert codes == ["-18", "-18", "-37", "0"]


def test_an_http_status_fault_answers_an_html_page(simulator, example_body):
    simulator.fail_next(http_status=502)
    response = requests.post(simulator.base_url + GROUP_CALL, json=example_body, timeout=5)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert "Bad Gateway" in response.text
    assert simulator.tasks == {}


def test_reset_forgets_requests_tasks_and_faults(simulator, example_body):
    post(simulator, GROUP_CALL, example_body)
    simulator.fail_next(code="-18")
    simulator.reset()
    assert (simulator.requests, simulator.tasks) == ([], {})
    assert post(simulator, GROUP_CALL, example_body)["code"] == "0"


# Control endpoints

def test_control_endpoint_queues_a_fault(simulator, example_body):
    assert control(simulator, "POST", "fail", {"code": "-37", "path": GROUP_CALL}) == {"ok": True}
    assert post(simulator, GROUP_CALL, example_body)["code"] == "-37"


def test_control_endpoint_rejects_unknown_fault_options(simulator):
    assert "error" in control(simulator, "POST", "fail", {"explode": True})


def test_control_endpoints_list_requests_and_tasks_and_reset(simulator, example_body):
    post(simulator, GROUP_CALL, example_body)
    [received] = control(simulator, "GET", "requests")
    assert received["headers"]["Sign"] == "[redacted]"
    tasks = control(simulator, "GET", "tasks")
    assert tasks[example_body["taskName"]]["key_id"] == 100001
    assert control(simulator, "POST", "reset") == {"ok": True}
    assert control(simulator, "GET", "tasks") == {}
    assert control(simulator, "GET", "requests") == []
