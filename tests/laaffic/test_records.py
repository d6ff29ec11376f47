"""Reading Laaffic's call records, status pushes and task rows into Python (campaigns/laaffic/records.py)."""
import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from campaigns.laaffic import CallRecord, outcome, parse_push, parse_record, parse_task
from campaigns.laaffic.records import MAX_PUSH_REPORTS, PushTooLarge, RecordError, Refusal

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 1, 10, 0, tzinfo=SHANGHAI)
PUSHED = {  # the push's shape (voice-api-reference.md §7.4), times in epoch milliseconds
    "voiceId": "22121121451211349002", "type": 1, "callee": "63123456788",
    "displayNum": "6311012125", "submitTime": 1740794400000, "callTime": 1740794401000,
    "ringingTime": 1740794402000, "answerTime": 1740794405000, "hangupTime": 1740794435000,
    "callDuration": 30, "chargedDuration": 60, "ringDuration": "3", "terminationCode": "0",
    "terminationReason": "success", "sipCode": "200", "feedbackValue": "1", "cost": "0.0123",
    "voiceFileId": "1202202254d4c.mp3", "calledInfo": '{"text1":"Tom"}', "taskId": 100001,
    "sourceTaskId": None, "callStatus": 50, "outRecallCount": 0, "intent": "ignored",
}
QUERIED = {  # the record query's shape (§7.3), times ISO-8601 with an offset
    "voiceId": "2203031113381000002", "callee": "63123456788", "displayNum": "6311012125",
    "code": "Philippines", "submitTime": "2025-03-01T10:00:00+08:00",
    "callTime": "2025-03-01T10:00:01+08:00", "ringingTime": "2025-03-01T10:00:02+08:00",
    "answerTime": None, "hangupTime": "2025-03-01T10:00:30+08:00", "callDuration": 0,
    "chargedDuration": 0, "terminationCode": "486", "terminationReason": "User busy",
    "cost": "0", "billPeriod": "60+60", "rate": "0.0123", "baseCost": "0",
    "voiceFileId": "", "feedbackValue": "-1", "calledInfo": "", "currency": "EUR",
    "taskId": "100001",
}


# parse_task

@pytest.mark.parametrize("rate, percent", [
    ("45", 45.0), ("45.5", 45.5), ("45%", 45.0), (" 100 ", 100.0), (0, 0.0),
    ("0.455", 0.455), ("150", None), ("-1", None), ("soon", None), (None, None),
])
def test_rate_is_read_as_a_percentage(rate, percent):
    assert parse_task({"rate": rate}).rate == percent


# parse_record

def test_parse_record_reads_a_push_with_epoch_milliseconds():
    record = parse_record(PUSHED)
    assert record.voice_id == "22121121451211349002"
    assert record.hangup_time == datetime(2025, 3, 1, 2, 0, 35, tzinfo=timezone.utc)
    assert record.answer_time == datetime(2025, 3, 1, 10, 0, 5, tzinfo=SHANGHAI)
    assert (record.task_id, record.source_task_id, record.call_type) == (100001, None, 1)
    assert (record.call_duration, record.charged_duration, record.ring_duration) == (30, 60, 3)
    assert (record.termination_code, record.sip_code, record.call_status) == ("0", "200", 50)
    assert (record.feedback_value, record.cost, record.currency) == ("1", Decimal("0.0123"),
                                                                     "USD")
    assert record.called_info == '{"text1":"Tom"}'
    assert outcome(record) == "answered"


def test_parse_record_reads_a_query_record_with_iso_times():
    record = parse_record(QUERIED)
    assert record.hangup_time == datetime(2025, 3, 1, 10, 0, 30, tzinfo=SHANGHAI)
    assert record.hangup_time.utcoffset() == timedelta(hours=8)
    assert (record.answer_time, record.call_status, record.feedback_value) == (None, None, None)
    assert (record.task_id, record.cost, record.currency) == (100001, Decimal("0"), "EUR")
    assert (record.termination_code, record.termination_reason) == ("486", "User busy")
    assert outcome(record) == "failed"


@pytest.mark.parametrize("value, expected", [
    (1740794435000, datetime(2025, 3, 1, 2, 0, 35, tzinfo=timezone.utc)),
    ("1740794435000", datetime(2025, 3, 1, 2, 0, 35, tzinfo=timezone.utc)),
    (1740794435123.0, datetime(2025, 3, 1, 2, 0, 35, 123000, tzinfo=timezone.utc)),
    ("2025-03-01T10:00:35+08:00", datetime(2025, 3, 1, 2, 0, 35, tzinfo=timezone.utc)),
    ("2025-03-01T02:00:35Z", datetime(2025, 3, 1, 2, 0, 35, tzinfo=timezone.utc)),
    (None, None), ("", None), (0, None),
])
def test_parse_record_reads_both_time_forms(value, expected):
    assert parse_record({"voiceId": "1", "hangupTime": value}).hangup_time == expected


def test_parse_record_reads_zoneless_times_only_in_a_zone_it_is_given():
    for value in ("20250301100035", "2025-03-01 10:00:35"):
        with pytest.raises(ValueError, match="hangupTime .* has no time zone"):
            parse_record({"voiceId": "1", "hangupTime": value})
        record = parse_record({"voiceId": "1", "hangupTime": value}, naive_tz=SHANGHAI)
        assert record.hangup_time == datetime(2025, 3, 1, 10, 0, 35, tzinfo=SHANGHAI)


@pytest.mark.parametrize("raw, message", [
    ({"callee": "63123456788"}, "no voiceId"),
    ({"voiceId": ""}, "no voiceId"),
    ({"voiceId": "9", "hangupTime": "yesterday"}, "9: hangupTime 'yesterday' is neither"),
    ({"voiceId": "9", "answerTime": 1740794435}, "seconds, perhaps"),
    ({"voiceId": "9", "callDuration": "12.5"}, "callDuration '12.5' is not a whole number"),
    ({"voiceId": "9", "callStatus": True}, "callStatus True is true or false, not a whole number"),
    ({"voiceId": "9", "cost": "cheap"}, "cost 'cheap' is not an amount"),
    ("not a record", "must be a JSON object"),
])
def test_parse_record_refuses_what_it_cannot_read_naming_the_field(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_record(raw)


def test_parse_record_reads_times_from_2020_to_a_day_ahead_of_now_only():
    now = datetime(2025, 3, 1, tzinfo=timezone.utc)
    soon = now + timedelta(hours=23)
    assert parse_record({"voiceId": "1", "callTime": int(soon.timestamp() * 1000)}, now=now).call_time == soon
    assert parse_record({"voiceId": "1", "callTime": "2020-01-01T08:00:00+08:00"}, now=now).call_time == datetime(
        2020, 1, 1, tzinfo=timezone.utc)
    for value in (int((now + timedelta(hours=25)).timestamp() * 1000), "2019-12-31T23:59:59Z",
                  "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "99991231235959", 253402300800000):
        with pytest.raises(RecordError, match="callTime .* is out of range: a call is neither before 2020-01-01"
                                              " nor more than 1 day ahead of now") as caught:
            parse_record({"voiceId": "1", "callTime": value}, naive_tz=SHANGHAI, now=now)
        assert caught.value.field == "callTime"


@pytest.mark.parametrize("value, says", [
    ("1e1000000", "is out of range (more than 20 digits)"), (-10**4000, "is out of range (more than 20 digits)"),
    (float("inf"), "is not a finite number"), ("1e-999999999", "has more than 40 decimals"),
    ("9" * 41, "is longer than 40 characters"), ("1_000", "is not a whole number"), ("0x1A", "is not a whole number"),
    ([1], "is an array, not a whole number"), ({"a": 1}, "is an object, not a whole number"),
])
def test_parse_record_bounds_every_number_before_converting_it(value, says):
    with pytest.raises(RecordError, match=re.escape(says)) as caught:
        parse_record({"voiceId": "1", "callDuration": value})
    assert caught.value.field == "callDuration"


@pytest.mark.parametrize("field", ["voiceId", "callee", "displayNum", "terminationCode", "currency"])
@pytest.mark.parametrize("value, says", [
    (True, "is true or false, not text"), ([1], "is an array, not text"), ({"a": 1}, "is an object, not text"),
    (1.5, "is a number, not text"), ("a\x00b", "holds a NUL"), ("\ud800", "lone surrogate"),
])
def test_parse_record_takes_text_only_as_text_or_a_whole_number(field, value, says):
    with pytest.raises(RecordError, match=says) as caught:
        parse_record({"voiceId": "1", field: value})
    assert caught.value.field == field


def test_parse_push_refuses_a_report_giving_a_field_twice():
    push = parse_push(b'[{"voiceId": "1", "callTime": 1740794435000, "callTime": "9999-01-01T00:00:00Z"}]')
    assert push.refused == [Refusal(1, "callTime", "A call record gives 'callTime' more than once; send each field "
                                                   "once.")]


def test_parse_record_ignores_unknown_fields_and_defaults_the_currency():
    record = parse_record({"voiceId": 42, "scriptId": 3, "intent": "yes"})
    assert record == CallRecord(voice_id="42")
    assert record.currency == "USD"


# parse_push

def test_parse_push_reads_one_object():
    push = parse_push(PUSHED)
    assert ([r.voice_id for r in push.records], push.refused) == (["22121121451211349002"], [])


def test_parse_push_reads_an_array_and_raw_json():
    second = dict(PUSHED, voiceId="2", callStatus=10)
    push = parse_push(json.dumps([PUSHED, second]).encode())
    assert [(r.voice_id, outcome(r)) for r in push.records] == [
        ("22121121451211349002", "answered"), ("2", "busy")]


def test_parse_push_reads_each_report_of_an_array_alone_and_names_what_it_refuses():
    push = parse_push([PUSHED, "x", {"callee": "1"}, dict(PUSHED, voiceId="3", callTime=True)])
    assert [r.voice_id for r in push.records] == ["22121121451211349002"]
    assert [(r.item, r.field) for r in push.refused] == [(2, None), (3, "voiceId"), (4, "callTime")]
    assert "must be a JSON object, not text" in push.refused[0].message
    assert "no voiceId" in push.refused[1].message
    assert push.refused[2].message == "Call record 3: callTime True is true or false, not a time."


def test_parse_push_refuses_a_single_report_by_field_without_an_item():
    assert parse_push({"voiceId": [1]}).refused == [
        Refusal(None, "voiceId", "A call record: voiceId […] is an array, not text.")]


@pytest.mark.parametrize("payload, message", [
    (42, "object or a non-empty array of objects, not a number"),
    ("not json", "not valid JSON"),
    (b'"text"', "not text"),
    ("[]", "not an empty array"),
    (b"\xff{}", "not UTF-8 text"),
])
def test_parse_push_refuses_anything_else(payload, message):
    with pytest.raises(ValueError, match=message):
        parse_push(payload)


def test_parse_push_refuses_more_reports_than_the_limit():
    parse_push([{"voiceId": str(i)} for i in range(MAX_PUSH_REPORTS)])
    with pytest.raises(PushTooLarge, match="holds 1,001 reports; send at most 1,000"):
        parse_push([{"voiceId": str(i)} for i in range(MAX_PUSH_REPORTS + 1)])


# outcome

@pytest.mark.parametrize("status, expected", [
    (10, "busy"), (20, "no_answer"), (30, "no_answer"), (40, "voicemail"),
    (50, "answered"), (60, "failed"),
])
def test_outcome_follows_the_call_status(status, expected):
    # callStatus wins over a termination code that says otherwise
    assert outcome(CallRecord("1", call_status=status, termination_code="0",
                              call_duration=5)) == expected


@pytest.mark.parametrize("fields, expected", [
    ({"termination_code": "0", "call_duration": 12}, "answered"),
    ({"termination_code": "200", "answer_time": NOW}, "answered"),
    ({"termination_code": "200", "call_duration": 0}, "failed"),
    ({"termination_code": "486"}, "failed"),
    ({"termination_code": "0", "call_status": 99, "call_duration": 3}, "answered"),
    ({}, "failed"),
])
def test_outcome_falls_back_to_the_termination_code(fields, expected):
    assert outcome(CallRecord("1", **fields)) == expected
