"""Every rule of voice/group/call/send, at and beyond its boundary."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from campaigns import rules
from campaigns.laaffic.codes import Code

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)  # 20:00:00 in Shanghai
DELETE = object()


def check(body, **kwargs):
    return rules.check_body(body, now=NOW, provider_tz=SHANGHAI, **kwargs)


def fields(problems):
    return sorted({p.field for p in problems})


def with_changes(body, **changes):
    for name, value in changes.items():
        if value is DELETE:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def tts_minimal():
    return {"appId": "app1", "taskName": "ab", "source": 3, "text": "Hi", "lan": "EN",
            "loopCount": 1, "maxCalls": 1, "numberInfoList": [{"calleeNumber": "1234567"}]}


def test_the_pages_example_body_is_valid(example_body):
    assert check(example_body) == []


def test_a_minimal_text_to_speech_body_is_valid():
    assert check(tts_minimal()) == []


@pytest.mark.parametrize(
    "changes, bad_field",
    [
        ({"appId": DELETE}, "appId"),
        ({"appId": ""}, "appId"),
        ({"displayNum": ""}, None),
        ({"displayNum": "1" * 20}, None),
        ({"displayNum": "1" * 21}, "displayNum"),
        ({"displayNum": "+861234"}, "displayNum"),
        ({"taskName": "a"}, "taskName"),
        ({"taskName": "ab"}, None),
        ({"taskName": "x" * 64}, None),
        ({"taskName": "x" * 65}, "taskName"),
        ({"taskName": DELETE}, "taskName"),
        ({"source": 0}, "source"),
        ({"source": 4}, "source"),
        ({"source": "3"}, "source"),
        ({"source": 1}, "voiceFileId"),
        ({"source": 1, "voiceFileId": "1202202254d4c.mp3"}, None),
        ({"source": 2, "uploadName": "a.mp3", "baseFile": "AAAA"}, None),
        ({"source": 2, "uploadName": "a.mp", "baseFile": "AAAA"}, "uploadName"),
        ({"source": 2, "uploadName": "x" * 28 + ".wav", "baseFile": "AAAA"}, None),
        ({"source": 2, "uploadName": "x" * 29 + ".wav", "baseFile": "AAAA"}, "uploadName"),
        ({"source": 2, "uploadName": "greeting", "baseFile": "AAAA"}, "uploadName"),
        ({"source": 2, "uploadName": "greeting.ogg", "baseFile": "AAAA"}, "uploadName"),
        ({"source": 2, "uploadName": "hello.mp3", "baseFile": "not base64!"}, "baseFile"),
        ({"source": 2, "uploadName": "hello.mp3"}, "baseFile"),
        ({"text": "x" * 1000}, None),
        ({"text": "x" * 1001}, "text"),
        ({"text": ""}, "text"),
        ({"lan": DELETE}, "lan"),
        ({"speakingRate": 0.25}, None),
        ({"speakingRate": 0.24}, "speakingRate"),
        ({"speakingRate": 4}, None),
        ({"speakingRate": 4.01}, "speakingRate"),
        ({"speakingRate": "1"}, "speakingRate"),
        ({"ssmlGender": 1}, None),
        ({"ssmlGender": 3}, "ssmlGender"),
        ({"ssmlGender": None}, None),
        ({"sendTime": None}, None),
        ({"sendTime": "2026-11-28 20:00:00"}, None),
        ({"sendTime": "2026-11-28 19:59:59"}, "sendTime"),
        ({"sendTime": "2026-11-28T21:00:00"}, "sendTime"),
        ({"sendTime": "2026-11-28 21:00"}, "sendTime"),
        ({"sendTime": "2026-02-30 21:00:00"}, "sendTime"),
        ({"loopCount": 0}, "loopCount"),
        ({"loopCount": 9}, None),
        ({"loopCount": 10}, "loopCount"),
        ({"loopCount": DELETE}, "loopCount"),
        ({"loopCount": True}, "loopCount"),
        ({"maxCalls": 0}, "maxCalls"),
        ({"maxCalls": 999}, None),
        ({"maxCalls": 1000}, "maxCalls"),
        ({"maxCalls": 40.5}, "maxCalls"),
        ({"maxRingingTime": 19}, "maxRingingTime"),
        ({"maxRingingTime": 20}, None),
        ({"maxRingingTime": 120}, None),
        ({"maxRingingTime": 121}, "maxRingingTime"),
        ({"delayPlay": -1}, "delayPlay"),
        ({"delayPlay": 999}, None),
        ({"delayPlay": 1000}, "delayPlay"),
        ({"delayHangup": 1000}, "delayHangup"),
        ({"delayHangup": 0}, None),
        ({"senderId": "x" * 32}, None),
        ({"senderId": "x" * 33}, "senderId"),
        ({"smsContent": "x" * 1000}, None),
        ({"smsContent": "x" * 1001}, "smsContent"),
        ({"smsContent": "Hi ${name}"}, "smsContent"),
        ({"smsAppId": DELETE}, "smsAppId"),
        ({"hangUpSms": 2}, "hangUpSms"),
        ({"hangUpSms": 0, "smsAppId": DELETE, "smsContent": DELETE}, None),
        ({"ringPush": DELETE}, "ringPush"),
        ({"ringPush": 2}, "ringPush"),
        ({"feedbackPush": 1, "feedbackValue": DELETE}, "feedbackValue"),
        ({"feedbackPush": 1, "feedbackValue": 9}, None),
        ({"feedbackPush": 1, "feedbackValue": "9"}, None),
        ({"feedbackPush": 1, "feedbackValue": 10}, "feedbackValue"),
        ({"feedbackPush": 1, "feedbackValue": "*"}, "feedbackValue"),
        ({"successPush": 1, "successPushTime": DELETE}, "successPushTime"),
        ({"successPush": 1, "successPushTime": 0}, None),
        ({"successPush": 1, "successPushTime": 9999}, None),
        ({"successPush": 1, "successPushTime": 10000}, "successPushTime"),
        ({"toSeat": 2}, "toSeat"),
        ({"sipGroupId": DELETE}, "sipGroupId"),
        ({"toSeat": 0, "sipGroupId": DELETE, "outboundControl": DELETE, "toSeatType": DELETE}, None),
        ({"outboundControl": DELETE}, "outboundControl"),
        ({"outboundControl": 2}, "outboundControl"),
        ({"calloutRate": 0}, "calloutRate"),
        ({"calloutRate": 100}, None),
        ({"calloutRate": 101}, "calloutRate"),
        ({"calloutRate": DELETE}, "calloutRate"),
        ({"toSeatType": 3}, "toSeatType"),
        ({"toSeatType": DELETE}, "toSeatType"),
        ({"toSeatKey": DELETE}, "toSeatKey"),
        ({"toSeatKey": 9}, None),
        ({"toSeatKey": 10}, "toSeatKey"),
        ({"toSeatType": 1, "toSeatKey": DELETE}, None),
        ({"delayTransfer": -1}, "delayTransfer"),
        ({"allowSendTime": []}, None),
        ({"allowSendTime": [{"strTime": "00:00", "endTime": "23:59"}] * 3}, None),
        ({"allowSendTime": [{"strTime": "09:00", "endTime": "10:00"}] * 4}, "allowSendTime"),
        ({"allowSendTime": [{"strTime": "24:00", "endTime": "10:00"}]}, "allowSendTime[0].strTime"),
        ({"allowSendTime": [{"strTime": "9:00", "endTime": "10:00"}]}, "allowSendTime[0].strTime"),
        ({"allowSendTime": [{"strTime": "09:00", "endTime": "10:60"}]}, "allowSendTime[0].endTime"),
        ({"allowSendTime": [{"strTime": "09:00"}]}, "allowSendTime[0].endTime"),
        ({"allowSendTime": [{"strTime": "09:00", "endTime": "09:00"}]}, "allowSendTime[0].endTime"),
        ({"allowSendTime": "09:00-10:00"}, "allowSendTime"),
        ({"taskname": "typo"}, "taskname"),
    ],
)
def test_each_rule_at_and_beyond_its_boundary(example_body, changes, bad_field):
    problems = check(with_changes(example_body, **changes))
    if bad_field is None:
        assert problems == []
    else:
        assert bad_field in fields(problems), problems
        assert all(p.message for p in problems)


def test_hang_up_sms_without_any_trigger_is_refused_with_code_minus_53(example_body):
    example_body.update(feedbackPush=0, successPush=0, failedPush=0, ringPush=0)
    problems = check(example_body)
    assert [(p.field, p.code) for p in problems] == [("hangUpSms", Code.NO_SMS_TRIGGER)]
    assert "trigger" in problems[0].message


def test_hang_up_sms_needs_all_four_trigger_flags_present(example_body):
    del example_body["failedPush"]
    assert [(p.field, p.code) for p in check(example_body)] == [("failedPush", Code.NO_SMS_TRIGGER)]


def test_tts_without_text_and_language_uses_code_minus_38():
    body = with_changes(tts_minimal(), text=DELETE, lan=DELETE)
    assert {(p.field, p.code) for p in check(body)} == {("text", "-38"), ("lan", "-38")}


@pytest.mark.parametrize("count, valid", [(1, True), (100_000, True), (100_001, False)])
def test_callee_count_limits(count, valid):
    body = tts_minimal()
    body["numberInfoList"] = [{"calleeNumber": str(10_000_000 + i)} for i in range(count)]
    problems = check(body)
    assert (problems == []) is valid
    if not valid:
        assert fields(problems) == ["numberInfoList"]
        assert "100,000" in problems[0].message


def test_an_empty_number_is_one_problem_saying_what_it_must_be(example_body):
    problems = check(with_changes(example_body, loopCount=""))
    assert [(p.field, p.message) for p in problems] == [("loopCount", "Times played must be a whole number, not ''.")]


def test_an_empty_callee_list_is_refused_with_code_minus_35():
    problems = check(with_changes(tts_minimal(), numberInfoList=[]))
    assert [(p.field, p.code) for p in problems] == [("numberInfoList", Code.NO_NUMBERS)]


@pytest.mark.parametrize(
    "callee, bad_field",
    [
        ({"calleeNumber": "1234567"}, None),
        ({"calleeNumber": "123456"}, "numberInfoList[0].calleeNumber"),
        ({"calleeNumber": "1" * 15}, None),
        ({"calleeNumber": "1" * 16}, "numberInfoList[0].calleeNumber"),
        ({"calleeNumber": "+8613000000001"}, "numberInfoList[0].calleeNumber"),
        ({"calleeNumber": "86 130 0000 0001"}, "numberInfoList[0].calleeNumber"),
        ({"calleeNumber": 8613000000001}, "numberInfoList[0].calleeNumber"),
        ({"calleeNumber": ""}, "numberInfoList[0].calleeNumber"),
        ({"text1": "tom"}, "numberInfoList[0].calleeNumber"),
        ({"calleeNumber": "1234567", "text10": "x" * 30}, None),
        ({"calleeNumber": "1234567", "text10": "x" * 31}, "numberInfoList[0].text10"),
        ({"calleeNumber": "1234567", "text3": 5}, "numberInfoList[0].text3"),
        ({"calleeNumber": "1234567", "name": "Tom"}, "numberInfoList[0].name"),
        ("1234567", "numberInfoList[0]"),
    ],
)
def test_callee_rules(callee, bad_field):
    problems = check(with_changes(tts_minimal(), numberInfoList=[callee]))
    assert fields(problems) == ([] if bad_field is None else [bad_field])


def test_a_number_listed_twice_is_refused_at_its_second_place():
    body = with_changes(tts_minimal(), numberInfoList=[{"calleeNumber": "1234567"}] * 2)
    assert fields(check(body)) == ["numberInfoList[1].calleeNumber"]


def test_rejects_sms_template_variable_missing_for_a_callee(example_body):
    example_body["smsContent"] = "Hi ${text1}, you owe ${text2}"
    example_body["numberInfoList"] = [
        {"calleeNumber": "8613000000001", "text1": "tom", "text2": "$5"},
        {"calleeNumber": "8613000000002", "text1": "ann"},
        {"calleeNumber": "8613000000003", "text1": "  ", "text2": "$7"},
    ]
    problems = check(example_body)
    assert fields(problems) == ["numberInfoList[1].text2", "numberInfoList[2].text1"]
    assert "8613000000002" in problems[0].message and "${text2}" in problems[0].message


def test_per_callee_problems_are_capped_with_a_count():
    body = with_changes(tts_minimal(), numberInfoList=[{"calleeNumber": "12"}] * 500)
    problems = check(body)
    assert len(problems) == rules.MAX_CALLEE_PROBLEMS + 1
    assert problems[-1].field == "numberInfoList"
    assert "500 callees" in problems[-1].message


def test_a_task_name_used_by_another_campaign_is_refused_with_code_minus_41():
    problems = check(tts_minimal(), task_name_taken=lambda name: name == "ab")
    assert [(p.field, p.code) for p in problems] == [("taskName", Code.NAME_EXISTS)]


def test_send_time_is_compared_in_the_providers_zone():
    # 20:00 in Shanghai is 12:00 UTC: a naive reading in UTC would call 13:00 "future".
    body = with_changes(tts_minimal(), sendTime="2026-11-28 13:00:00")
    assert fields(check(body)) == ["sendTime"]
    later = NOW + timedelta(hours=1)
    body["sendTime"] = later.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    assert check(body) == []


def test_a_body_that_is_not_an_object_is_refused():
    assert fields(check(["not", "an", "object"])) == ["body"]


def test_messages_name_the_value_and_what_to_do(example_body):
    example_body["maxRingingTime"] = 200
    (problem,) = check(example_body)
    assert problem.message == "Maximum ringing time must be between 20 and 120 seconds; it is 200."


def test_the_sms_a_callee_gets_has_its_texts_filled_in_and_nothing_else_touched():
    from campaigns.rules import sms_filled

    content = "Hi ${text1}, you owe ${text2} (${text10}); ${other} stays, ${text3} is empty"
    assert sms_filled(content, {"text1": "Ana", "text2": "12.50", "text10": "ref 7"}) == (
        "Hi Ana, you owe 12.50 (ref 7); ${other} stays,  is empty")


MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize("changes, bad_field", [
    ({"hangUpSms": 0, "smsContent": "x" * 1001}, "smsContent"),
    ({"hangUpSms": 0, "smsAppId": "x" * 65}, "smsAppId"),
    ({"source": 1, "voiceFileId": "f.mp3", "text": "x" * 1001}, "text"),
    ({"toSeat": 0, "calloutRate": 101}, "calloutRate"),
    ({"toSeat": 0, "calloutRate": -1}, "calloutRate"),
    ({"toSeat": 0, "toSeatType": 3}, "toSeatType"),
    ({"toSeat": 0, "outboundControl": 2}, "outboundControl"),
    ({"toSeat": 1, "sipGroupId": -5}, "sipGroupId"),
    ({"sipGroupId": 2_147_483_647}, None),
    ({"sipGroupId": 2_147_483_648}, "sipGroupId"),
    ({"delayTransfer": 2_147_483_648}, "delayTransfer"),
    ({"appId": "x" * 64}, None),
    ({"appId": "x" * 65}, "appId"),
    ({"lan": "x" * 17}, "lan"),
    ({"accent": "x" * 17}, "accent"),
    ({"senderId": "x" * 33, "hangUpSms": 0}, "senderId"),
    ({"taskName": "ab\x00"}, "taskName"),
    ({"text": "\udfff"}, "text"),
    ({"sendTime": "9999-12-31 23:59:59"}, "sendTime"),
    ({"\ud800": 1}, "\\ud800"),
])
def test_a_value_given_is_bounded_whatever_the_fields_around_it_say(example_body, changes, bad_field):
    problems = check(with_changes(example_body, **changes))
    assert fields(problems) == ([] if bad_field is None else [bad_field]), problems


def test_every_integer_and_text_field_of_the_body_has_a_bound():
    top = [entry for entry in rules.FIELDS.values() if not entry.within]
    assert all(entry.min is not None or entry.choices for entry in top if entry.kind == rules.Kind.INTEGER)
    # sendTime is bounded by its form (a date); baseFile and uploadName by their own checks.
    assert {entry.name for entry in top if entry.kind == rules.Kind.TEXT and entry.max_length is None} == {"baseFile"}
    assert {entry.name for entry in top if entry.check} == {"displayNum", "uploadName", "baseFile"}


def test_a_send_time_the_clocks_skip_is_refused_saying_why():
    body = with_changes(tts_minimal(), sendTime="2027-03-28 02:30:00")
    problems = rules.check_body(body, now=NOW, provider_tz=MADRID)
    assert [p.field for p in problems] == ["sendTime"]
    assert problems[0].message == (
        "Scheduled start 2027-03-28 02:30:00 does not exist in Europe/Madrid: the clocks go forward 1 hour that "
        "night, so it would become 03:30:00. Pick a time that exists, such as 03:30:00.")
    assert rules.check_body(with_changes(body, sendTime="2027-03-28 03:30:00"), now=NOW, provider_tz=MADRID) == []


def test_a_send_time_that_happens_twice_is_valid_and_the_note_says_which_one_is_sent():
    body = with_changes(tts_minimal(), sendTime="2027-10-31 02:30:00")
    assert rules.check_body(body, now=NOW, provider_tz=MADRID) == []
    assert rules.send_time_note("2027-10-31 02:30:00", MADRID) == (
        "02:30 on 2027-10-31 happens twice in Europe/Madrid (the clocks go back that night); the first one "
        "(summer time, +02:00) is sent.")
    assert rules.send_time_note("2027-10-31 03:30:00", MADRID) is None
    assert rules.send_time_note("2027-03-28 02:30:00", MADRID) is None  # refused by the check instead
    assert rules.wall_time(datetime(2027, 10, 31, 2, 30), MADRID).utcoffset() == timedelta(hours=2)


def test_the_second_of_two_equal_clock_times_cannot_be_sent():
    second = datetime(2027, 10, 31, 1, 30, tzinfo=timezone.utc)  # 02:30 +01:00 in Madrid
    assert "for the second time that night (+01:00)" in rules.send_moment_problem(second, MADRID)
    assert "1 hour earlier" in rules.send_moment_problem(second, MADRID)
    assert rules.send_moment_problem(second - timedelta(hours=1), MADRID) is None  # the first 02:30
    assert rules.send_moment_problem(second, SHANGHAI) is None


# The rules the admin forms share with check_body

@pytest.mark.parametrize("head, found", [
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", ".wav"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00", ".mp3"),
    (b"\xff\xfb\x90\x64\x00\x00\x00\x00\x00\x00\x00\x00", ".mp3"),  # MPEG-1 layer III frame
    (b"\xff\xf3\x48\xc4\x00\x00\x00\x00\x00\x00\x00\x00", ".mp3"),  # MPEG-2 layer III frame
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", ".m4a"),
    (b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00", ".m4a"),
    (b"\xff\xf1\x50\x80\x00\x1f\xfc\x00\x00\x00\x00\x00", None),  # AAC in ADTS: layer bits 00
    (b"\xff\xfb\xf0\x64\x00\x00\x00\x00\x00\x00\x00\x00", None),  # bitrate index 1111 is not allowed
    (b"\xff\xeb\x90\x64\x00\x00\x00\x00\x00\x00\x00\x00", None),  # reserved MPEG version
    (b"RIFF\x24\x00\x00\x00AVI LIST", None),
    (b"\x00\x00\x00\x20ftypqt  \x00\x00", None),
    (b"<!doctype html>", None), (b"MZ\x90\x00\x03\x00\x00\x00", None), (b"%PDF-1.7", None),
    (b"OggS\x00\x02", None), (b"", None),
])
def test_audio_is_recognised_by_its_first_bytes(head, found):
    assert rules.audio_format(head) == found


def test_an_upload_name_needs_5_to_32_characters_and_an_audio_extension():
    assert rules.upload_name_problem("a.mp3") is None
    assert rules.upload_name_problem("Welcome-Spring-2026-v2-FINAL.M4A") is None
    assert rules.upload_name_problem("x.wav") is None
    assert rules.upload_name_problem(".wav") == "Upload file name must be 5 to 32 characters long; it has 4."
    assert "must end in .mp3, .m4a or .wav" in rules.upload_name_problem("greeting.ogg")


def test_sms_content_is_checked_the_same_way_in_a_template_and_in_a_body(example_body):
    content = "Hi ${name}, " + "x" * 1000
    example_body.update(hangUpSms=1, smsContent=content, ringPush=1)
    from_body = [p.message for p in check(example_body) if p.field == "smsContent"]
    assert from_body == rules.sms_content_problems(content) == [
        "SMS text is 1,012 characters long; the limit is 1,000.",
        "SMS text uses ${name}, which is not a variable Laaffic fills; use ${text1} to ${text10}."]
    assert rules.sms_content_problems("Hi ${text1}, ${text10}") == []


def test_the_sites_number_check_is_added_to_the_apis_without_repeating_it():
    body = tts_minimal()
    body["numberInfoList"] = [{"calleeNumber": "1234567"}, {"calleeNumber": "+1234567"}]
    problems = check(body, number_problem=lambda number: f"{number} cannot exist")
    assert [(p.field, p.message) for p in problems] == [
        ("numberInfoList[0].calleeNumber", "1234567 cannot exist"),
        ("numberInfoList[1].calleeNumber", rules.callee_number_problem("+1234567"))]


# Calling windows across midnight (the studio's builder sends them as two)

def test_a_window_across_midnight_is_split_into_two_that_do_not_cross_it():
    assert rules.windows_split_at_midnight([("21:00", "09:00")]) == [("21:00", "23:59"), ("00:00", "09:00")]
    assert rules.windows_split_at_midnight([("09:00", "12:00"), ("21:00", "00:00")]) == [
        ("09:00", "12:00"), ("21:00", "23:59")]


def test_split_windows_are_joined_again_as_they_were_typed():
    split = rules.windows_split_at_midnight([("08:00", "10:00"), ("21:00", "09:00")])
    assert rules.windows_joined_at_midnight(split) == [("08:00", "10:00"), ("21:00", "09:00")]
    assert rules.windows_joined_at_midnight([("09:00", "12:00")]) == [("09:00", "12:00")]
    assert rules.windows_joined_at_midnight([("00:00", "23:59")]) == [("00:00", "23:59")]


def test_a_clock_time_is_in_a_window_from_its_start_to_its_end():
    windows = [("09:00", "12:00"), ("14:00", "18:00")]
    assert rules.in_windows("09:00", windows) and rules.in_windows("18:00", windows)
    assert not rules.in_windows("13:00", windows) and not rules.in_windows("08:59", windows)
    assert rules.in_windows("03:00", [])


def test_a_voice_is_named_by_language_and_accent_and_an_unknown_code_shown_as_such():
    assert rules.tts_voice_name("EN", "44") == "English (United Kingdom)"
    assert rules.tts_voice_name("IN", "91") == "Hindi (India)"
    assert rules.tts_voice_name("EN") == "English"
    assert rules.tts_voice_name("FR", "33") == "language code FR (accent code 33)"
