"""Hostile bodies for the status push (issue 9): each is refused with a 4xx naming the field when
there is one, within 100 ms of the worker's CPU (a guard against bodies that keep a worker busy;
CPU, because the wall clock of a machine shared with other jobs measures them too), stores
nothing, and leaves the endpoint storing the next valid report."""
import gc
import io
import json
import time

import pytest
from django.urls import reverse

from campaigns.laaffic.records import MAX_PUSH_REPORTS
from campaigns.models import CallRecord

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-token"
JSON = "application/json"
CPU_SECONDS = 0.1
WALL_SECONDS = 2  # a body that waits on something rather than computing


class Case:
    def __init__(self, name, body: bytes, status=400, field=None, refused=None, content_type=JSON, method="POST"):
        self.name, self.body, self.status, self.field, self.refused = name, body, status, field, refused
        self.content_type, self.method = content_type, method


def report(**fields) -> str:
    """A report as raw JSON text: each value is JSON text too, so that NaN, huge numbers and broken
    escapes reach the site exactly as written."""
    return "{" + ", ".join(f'"{key}": {value}' for key, value in {"voiceId": '"h1"', **fields}.items()) + "}"


def one(name, field, value, status=400) -> Case:
    return Case(name, report(**{field: value}).encode(), status=status, field=field)


NUMBER_FIELDS = ["type", "taskId", "sourceTaskId", "callDuration", "chargedDuration", "ringDuration", "callStatus",
                 "cost"]
HOSTILE_NUMBERS = {
    "huge exponent text": '"1e1000000"', "huge exponent": "1e1000000", "tiny exponent text": '"1e-999999999"',
    "4000 digits": "9" * 4000, "4000 digits text": '"' + "9" * 4000 + '"', "NaN": "NaN", "Infinity": "Infinity",
    "-Infinity": "-Infinity", "true": "true", "array": "[1]", "object": '{"a": 1}', "hex": '"0x10"',
    "underscores": '"1_000"', "arabic digits": '"\\u0661\\u0662"', "trailing letters": '"12abc"', "1e300": "1e300",
    "41 characters": '"' + "1" * 41 + '"',
}
NUMBER_RANGES = [("callDuration", "-1"), ("ringDuration", '"-5"'), ("callStatus", "40000"), ("taskId", "-1"),
                 ("taskId", str(2**63)), ("type", str(2**31)), ("cost", '"1000000"'), ("callDuration", "12.5")]
TIME_FIELDS = ["callTime", "ringingTime", "answerTime", "hangupTime", "submitTime"]
HOSTILE_CALL_TIMES = {
    "20 digits": "100000000000000000000", "4000 digits": "9" * 4000, "1e300": "1e300",
    "year 9999 UTC": '"9999-12-31T23:59:59+00:00"', "year 1 at +14": '"0001-01-01T00:00:00+14:00"',
    "year 9999 at -14": '"9999-12-31T23:59:59-14:00"', "before 2020": '"2019-12-31T23:59:59Z"',
    "two days ahead": str(int((time.time() + 2 * 86400) * 1000)), "negative": "-1",
    "seconds": "1740794435", "fraction of a millisecond": "1740794435000.5", "true": "true", "false": "false",
    "object": '{"a": 1}', "array": "[1740794435000]", "words": '"yesterday"', "no zone": '"2025-03-01 10:00:35"',
    "compact without zone": '"20250301100035"', "1000 characters": '"' + "x" * 1000 + '"', "NaN": "NaN",
    "month 13": '"2025-13-01T00:00:00Z"', "arabic digits": '"\\u0661\\u0667\\u0664\\u0660"',
    "year 10000 as milliseconds": "253402300800000",
}
HOSTILE_OTHER_TIMES = {"year 1 at +14": '"0001-01-01T00:00:00+14:00"', "year 9999 at -14": '"9999-12-31T23:59:59-14:00"',
                       "1e300": "1e300", "false": "false"}
TEXT_FIELDS = ["voiceId", "callee", "displayNum", "terminationCode", "terminationReason", "sipCode", "voiceFileId",
               "feedbackValue", "currency", "calledInfo"]
HOSTILE_TEXTS = {"true": "true", "array": "[1]", "nested object": '{"a": {"b": 1}}', "fraction": "1.5",
                 "NUL": '"a\\u0000b"', "lone high surrogate": '"\\ud800"', "lone low surrogate": '"x \\udfff"'}
TOO_LONG = {"voiceId": 65, "callee": 21, "displayNum": 21, "terminationCode": 17, "feedbackValue": 5, "currency": 9}


def field_cases():
    for field in NUMBER_FIELDS:
        for name, value in HOSTILE_NUMBERS.items():
            yield one(f"{field} {name}", field, value)
    for field, value in NUMBER_RANGES:
        yield one(f"{field} {value} out of range", field, value)
    for name, value in HOSTILE_CALL_TIMES.items():
        yield one(f"callTime {name}", "callTime", value)
    for field in TIME_FIELDS[1:]:
        for name, value in HOSTILE_OTHER_TIMES.items():
            yield one(f"{field} {name}", field, value)
    for field in TEXT_FIELDS:
        for name, value in HOSTILE_TEXTS.items():
            if field == "voiceId" and name in ("true", "array"):
                continue  # below, with the voiceId cases
            yield one(f"{field} {name}", field, value)
    for field, length in TOO_LONG.items():
        yield one(f"{field} of {length} characters", field, json.dumps("7" * length))
    for name, value in {"true": "true", "array": "[1]", "object": '{"a": 1}', "null": "null", "empty": '""',
                        "blank": '"   "', "deep array": "[" * 500 + "]" * 500}.items():
        yield Case(f"voiceId {name}", report(voiceId=value).encode(), field="voiceId")
    yield Case("no voiceId", b'{"callee": "8613800000001"}', field="voiceId")
    yield Case("voiceId twice", b'{"voiceId": "a", "voiceId": {"x": 1}}', field="voiceId")
    yield Case("callTime twice", b'{"voiceId": "a", "callTime": 1740794435000, "callTime": "9999-12-31T23:59:59-14:00"}',
               field="callTime")
    yield Case("cost twice", b'{"voiceId": "a", "cost": "0.1", "cost": "0.2"}', field="cost")


def body_cases():
    texts = {"not json": "{not json", "unclosed": '{"voiceId": "x"', "trailing text": '{"voiceId": "x"} x',
             "two objects": '{"voiceId": "x"}{"voiceId": "y"}', "single quotes": "{'voiceId': 'x'}",
             "trailing comma": '{"voiceId": "x",}', "line comment": '// c\n{"voiceId": "x"}',
             "block comment": '{"voiceId": "x" /* c */}', "blank": " ", "newline": "\n", "null": "null",
             "true": "true", "number": "0", "string": '"text"', "empty array": "[]",
             "5000-digit number": report(callTime="9" * 5000), "NaN alone": "NaN",
             "control character in a string": '{"voiceId": "a\x01b"}', "depth 1000 arrays": "[" * 1000 + "]" * 1000,
             "depth 100000 arrays": "[" * 100_000 + "]" * 100_000,
             "depth 1000 objects": '{"a": ' * 1000 + "1" + "}" * 1000}
    for name, text in texts.items():
        yield Case(name, text.encode())
    raw = {"invalid byte": b"\xff", "invalid byte in a string": b'{"voiceId": "\xff"}',
           "overlong encoding": b'{"voiceId": "\xc0\xaf"}', "truncated sequence": b'{"voiceId": "\xe2\x82"}',
           "lone continuation byte": b'{"voiceId": "\x80"}', "encoded surrogate": b'{"voiceId": "\xed\xa0\x80"}',
           "latin-1": b'{"voiceId": "caf\xe9"}', "NUL byte after the object": b'{"voiceId": "x"}\x00',
           "UTF-8 byte order mark": b'\xef\xbb\xbf{"voiceId": "x"}',
           "UTF-16 with byte order mark": '{"voiceId": "x"}'.encode("utf-16"),
           "UTF-16 big-endian": '{"voiceId": "x"}'.encode("utf-16-be"),
           "UTF-16 little-endian": '{"voiceId": "x"}'.encode("utf-16-le"),
           "UTF-32": '{"voiceId": "x"}'.encode("utf-32")}
    for name, body in raw.items():
        yield Case(name, body)


def array_cases():
    bad = [report(callTime="1e300"), report(voiceId='"b"', cost='"x"')]
    yield Case("array of an array", b"[[]]", refused=[None])
    yield Case("array of a number", b"[1]", refused=[None])
    yield Case("array of null", b"[null]", refused=[None])
    yield Case("mixed array", b'[1, "x", null, true, [], {}]', refused=[None] * 5 + ["voiceId"])
    yield Case("array of refused reports", f"[{', '.join(bad)}]".encode(), refused=["callTime", "cost"])
    yield Case(f"{MAX_PUSH_REPORTS:,} reports without voiceId", ("[" + ", ".join(["{}"] * MAX_PUSH_REPORTS) + "]")
               .encode(), refused=["voiceId"] * MAX_PUSH_REPORTS)
    yield Case("100,000 empty objects", ("[" + ", ".join(["{}"] * 100_000) + "]").encode(), status=413)
    yield Case("100,000 numbers", ("[" + ", ".join(["1"] * 100_000) + "]").encode(), status=413)
    yield Case(f"{MAX_PUSH_REPORTS + 1:,} valid reports", json.dumps([
        {"voiceId": f"v{i}", "callTime": int(time.time() * 1000)} for i in range(MAX_PUSH_REPORTS + 1)]).encode(),
        status=413)


def transport_cases():
    valid = report().encode()
    yield Case("20 MB body", b'{"voiceId": "x", "pad": "' + b"x" * 20_000_000 + b'"}', status=413)
    yield Case("just over 2.5 MB", b'{"voiceId": "x", "pad": "' + b"x" * 2_621_440 + b'"}', status=413)
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/json; charset=latin-1", "application/json; charset=utf-16", "text/json",
                         "application/xml", "application/jsonx", ""]:
        yield Case(f"content type {content_type or 'missing'}", valid, status=415, content_type=content_type)
    yield Case("PUT", valid, status=405, method="PUT")
    yield Case("GET", b"", status=405, method="GET")


CORPUS = [*field_cases(), *body_cases(), *array_cases(), *transport_cases()]


def test_the_corpus_holds_at_least_150_hostile_bodies_with_distinct_names():
    names = [case.name for case in CORPUS]
    assert len(names) >= 150 and len(set(names)) == len(names)


@pytest.fixture
def send(client, settings):
    settings.LAAFFIC_WEBHOOK_TOKEN = TOKEN
    url = reverse("laaffic_voice_report", args=[TOKEN])
    client.post(reverse("laaffic_voice_report", args=["wrong"]))  # the first request loads what all need

    def post(body: bytes, content_type=JSON, method="POST"):
        # The body as a server hands it over: a stream, not a copy the test client makes first.
        return client.generic(method, url, content_type=content_type, **{
            "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type})

    return post


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_a_hostile_push_is_refused_quickly_naming_the_field_and_stores_nothing(send, case):
    gc.disable()  # a collection of the whole suite's objects is not this body's cost
    try:
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = send(case.body, case.content_type, case.method)
        cpu, elapsed = time.thread_time() - cpu_started, time.perf_counter() - started
    finally:
        gc.enable()

    assert response.status_code == case.status, response.content[:300]
    assert cpu < CPU_SECONDS and elapsed < WALL_SECONDS, f"answered in {cpu * 1000:.0f} ms of CPU, {elapsed:.2f} s"
    assert not CallRecord.objects.exists()
    if case.method == "POST":
        answer = response.json()
        assert answer["error"]
        assert answer["field"] == case.field
        if case.refused is not None:
            assert [r["field"] for r in answer["refused"]] == case.refused
            assert [r["item"] for r in answer["refused"]] == list(range(1, len(case.refused) + 1))
    valid = json.dumps({"voiceId": "after", "callee": "8613800000001", "callTime": int(time.time() * 1000)})
    assert send(valid.encode()).json() == {"received": 1}
    assert list(CallRecord.objects.values_list("voice_id", flat=True)) == ["after"]


class CutShort(io.BytesIO):
    """The body of a client that hangs up before sending all it announced."""

    def read(self, *args):
        raise OSError("client disconnected")


def test_a_push_cut_short_is_a_400_not_a_500(send, client):
    response = client.generic("POST", reverse("laaffic_voice_report", args=[TOKEN]), b"{}",
                              content_type=JSON, **{"wsgi.input": CutShort(), "CONTENT_LENGTH": "100"})
    assert response.status_code == 400 and "ended before all of its body arrived" in response.json()["error"]
    assert not CallRecord.objects.exists()
