import base64
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from campaigns.laaffic import Attachment, JsonBody, LaafficClient, LaafficError
from campaigns.laaffic.client import ATTACHMENT_CHUNK
from campaigns.laaffic.errors import RETRYABLE_CODES, STATUS_MESSAGES
from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET

ERROR_CODES = sorted(set(STATUS_MESSAGES) - {"0"})


def send_expecting_error(client, body) -> LaafficError:
    with pytest.raises(LaafficError) as caught:
        client.send_group_call(body)
    return caught.value


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_importing_the_client_loads_neither_the_simulator_the_rules_http_server_nor_django():
    script = "import sys, campaigns.laaffic.client; print(*sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                            capture_output=True, text=True, check=True).stdout.split()
    assert "campaigns.laaffic.client" in loaded
    assert [name for name in loaded if name in ("campaigns.rules", "http.server")
            or name.startswith(("campaigns.simulator", "django"))] == []


# Success

def test_send_group_call_returns_the_new_tasks_key_id(client, simulator, example_body):
    reply = client.send_group_call(example_body)
    assert (reply.code, reply.message, reply.data) == ("0", "success", 100001)
    assert simulator.tasks[example_body["taskName"]]["key_id"] == 100001


def test_exchange_records_the_call_with_the_signature_redacted(client, example_body):
    exchange = client.send_group_call(example_body).exchange
    assert exchange.method == "POST"
    assert exchange.url.endswith("/v3/voice/group/call/send")
    assert exchange.request_headers["Sign"] == "[redacted]"
    assert exchange.request_headers["Api-Key"] == DOC_API_KEY
    assert exchange.request_body == example_body
    assert exchange.http_status == 200
    assert '"data": 100001' in exchange.response_text
    assert exchange.duration_ms >= 0
    assert DOC_API_SECRET not in repr(exchange)


def test_body_is_sent_as_utf8_json_with_the_documented_content_type(
        client, simulator, example_body):
    client.send_group_call(example_body)
    received = simulator.requests[0]
    assert received["headers"]["Content-Type"] == "application/json;charset=UTF-8"
    assert received["body"]["text"] == "Mã xác nhận của bạn là 22294"


def test_every_call_is_signed_with_a_fresh_timestamp(simulator):
    ticks = iter([time.time(), time.time() + 7])
    client = LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET,
                           clock=lambda: next(ticks))
    codes = [send_expecting_error(client, {}).code for _ in range(2)]
    stamps = [int(r["headers"]["Timestamp"]) for r in simulator.requests]
    assert stamps[1] - stamps[0] == 7
    assert codes == ["-35", "-35"]  # both signatures were accepted


def test_base_url_may_end_with_a_slash(simulator, example_body):
    client = LaafficClient(simulator.base_url + "/", DOC_API_KEY, DOC_API_SECRET)
    assert client.send_group_call(example_body).data == 100001
    assert simulator.requests[0]["path"] == "voice/group/call/send"


@pytest.mark.parametrize("answer, data", [
    ('{"code":"0","msg":"success","data":5}', 5),
    ('{"code":0,"msg":"success","data":6}', 6),
    ('{"status":"0","reason":"success","data":7}', 7),
    ('{"status":0,"reason":"success","data":8}', 8),
])
def test_success_is_read_from_either_envelope_with_a_text_or_number_code(
        client, simulator, answer, data):
    simulator.fail_next(body=answer)
    reply = client.send_group_call({})
    assert (reply.code, reply.message, reply.data) == ("0", "success", data)


@pytest.mark.parametrize("answer", [
    '{"code":-22,"msg":"Parameter exception","data":null}',
    '{"status":"-22","reason":"Parameter exception"}',
])
def test_failure_is_read_from_either_envelope_with_a_text_or_number_code(
        client, simulator, answer):
    simulator.fail_next(body=answer)
    error = send_expecting_error(client, {})
    assert (error.code, error.retryable, error.message) == ("-22", False, STATUS_MESSAGES["-22"])


def test_upload_voice_file_returns_the_voice_file_id(client, simulator):
    reply = client.upload_voice_file("welcome.mp3", b"ID3 fake audio")
    assert isinstance(reply.data, str) and reply.data.endswith(".mp3")
    sent = simulator.requests[0]
    assert sent["path"] == "voice/fileUpload"
    assert base64.b64decode(sent["body"]["file"]) == b"ID3 fake audio"


def test_a_file_larger_than_a_chunk_is_uploaded_whole_with_a_content_length(client, simulator, tmp_path):
    path = tmp_path / "welcome.mp3"
    content = b"ID3" + bytes(range(256)) * (ATTACHMENT_CHUNK * 2 // 256) + b"tail"  # not a multiple of 3
    path.write_bytes(content)
    reply = client.upload_voice_file("welcome.mp3", Attachment(lambda: path.open("rb"), len(content)))
    assert reply.data.endswith(".mp3")
    # The simulator reads exactly Content-Length bytes: a chunked or short body would not decode.
    assert base64.b64decode(simulator.requests[0]["body"]["file"], validate=True) == content


def test_a_json_body_with_an_attachment_is_the_json_of_its_base64_text():
    content = bytes(range(256)) * 1000 + b"x"
    body = {"taskName": "Ünïcode", "baseFile": Attachment.of_bytes(content), "loopCount": 1}
    streamed = JsonBody(body, indent=2)
    sent = b"".join(streamed)
    assert len(sent) == len(streamed)
    expected = dict(body, baseFile=base64.b64encode(content).decode())
    assert sent.decode() == json.dumps(expected, ensure_ascii=False, indent=2)
    assert b"".join(streamed) == sent  # it can be sent again (a re-signed request)


def test_uploading_the_same_file_name_twice_is_refused_with_data_existing(client):
    client.upload_voice_file("welcome.mp3", b"one")
    with pytest.raises(LaafficError) as caught:
        client.upload_voice_file("welcome.mp3", b"two")
    assert (caught.value.code, caught.value.retryable) == ("-20", False)


# Provider status codes

@pytest.mark.parametrize("code", ERROR_CODES)
def test_each_documented_code_becomes_an_error_with_its_user_message(client, simulator, code):
    simulator.fail_next(code=code)
    error = send_expecting_error(client, {})
    assert error.code == code
    assert error.retryable is (code in RETRYABLE_CODES)
    assert error.message == STATUS_MESSAGES[code]
    assert error.reached_provider is True and error.timed_out is False
    assert error.http_status == 200
    assert error.exchange.response_text.startswith(f'{{"code": "{code}"')
    assert simulator.tasks == {}


def test_provider_details_are_appended_to_the_user_message(client, example_body):
    example_body["loopCount"] = 12
    error = send_expecting_error(client, example_body)
    assert error.code == "-22"
    assert error.message.startswith(STATUS_MESSAGES["-22"] + " (Laaffic said: ")
    assert "loopCount" in error.message


def test_wrong_secret_is_an_authentication_error_that_does_not_leak_it(simulator, example_body):
    client = LaafficClient(simulator.base_url, DOC_API_KEY, "not-the-secret")
    error = send_expecting_error(client, example_body)
    assert (error.code, error.retryable) == ("-1", False)
    assert error.message == STATUS_MESSAGES["-1"]
    assert "not-the-secret" not in repr(error) + repr(error.exchange) + repr(client)


def test_clock_skew_is_refused_as_expired_timestamp_and_retryable(simulator, example_body):
    client = LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET,
                           clock=lambda: time.time() - 3600)
    error = send_expecting_error(client, example_body)
    assert (error.code, error.retryable) == ("-16", True)


# Transport failures

def test_missing_credentials_fail_clearly_before_any_request(simulator, example_body):
    client = LaafficClient(simulator.base_url, "", "")
    error = send_expecting_error(client, example_body)
    assert error.message == ("Laaffic credentials are not configured: "
                             "set LAAFFIC_API_KEY and LAAFFIC_API_SECRET.")
    assert (error.code, error.retryable, error.reached_provider) == (None, False, False)
    assert simulator.requests == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable_and_reached_the_provider(client, simulator, status):
    simulator.fail_next(http_status=status)
    error = send_expecting_error(client, {})
    assert (error.code, error.http_status) == (None, status)
    assert error.retryable is True and error.reached_provider is True
    assert f"HTTP {status}" in error.message
    assert "<html>" in error.exchange.response_text


@pytest.mark.parametrize("answer", ["<html>maintenance</html>", "[1, 2]", '{"data": 1}', ""])
def test_an_answer_without_an_envelope_is_retryable(client, simulator, answer):
    simulator.fail_next(body=answer)
    error = send_expecting_error(client, {})
    assert (error.code, error.http_status) == (None, 200)
    assert error.retryable is True and error.reached_provider is True


def test_a_client_error_page_without_an_envelope_is_permanent(simulator):
    client = LaafficClient(simulator.base_url + "/no-such-api", DOC_API_KEY, DOC_API_SECRET)
    error = send_expecting_error(client, {})
    assert (error.code, error.http_status, error.retryable) == (None, 404, False)


def test_connection_refused_is_retryable_and_reached_nothing(example_body):
    client = LaafficClient(f"http://127.0.0.1:{closed_port()}/v3", DOC_API_KEY, DOC_API_SECRET)
    error = send_expecting_error(client, example_body)
    assert (error.code, error.http_status) == (None, None)
    assert error.retryable is True
    assert error.reached_provider is False and error.timed_out is False
    assert error.exchange.http_status is None


def test_a_read_timeout_is_not_retried_because_the_task_may_exist(simulator, example_body):
    client = LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET, timeout=0.3)
    simulator.fail_next(delay=1.0)
    error = send_expecting_error(client, example_body)
    assert error.timed_out is True and error.retryable is False
    assert error.reached_provider is True and error.code is None
    deadline = time.monotonic() + 5
    while example_body["taskName"] not in simulator.tasks and time.monotonic() < deadline:
        time.sleep(0.05)
    assert example_body["taskName"] in simulator.tasks


def test_a_dropped_connection_after_sending_is_treated_like_a_timeout(
        client, simulator, example_body):
    simulator.fail_next(drop=True)
    error = send_expecting_error(client, example_body)
    assert error.timed_out is True and error.retryable is False
    assert error.reached_provider is True and error.code is None
    assert simulator.tasks == {}
