"""load_campaign: a JSON body checked, stored as a draft and exported back as it was loaded."""
import base64
import json

import pytest

from campaigns.models import Callee, Campaign, SmsTemplate, VoiceFile
from tests.commands import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_file(tmp_path, example_body):
    def write(body=example_body):
        path = tmp_path / "body.json"
        path.write_text(json.dumps(body, ensure_ascii=False))
        return str(path)

    return write


def test_check_json_reports_a_valid_body_and_stores_nothing(body_file):
    code, out, _ = run("load_campaign", body_file(), "--check", "--json")
    assert code == 0
    assert json.loads(out) == {"valid": True, "task_name": "2024-06-03 10:42:0511"}
    assert not Campaign.objects.exists()


def test_check_json_reports_errors_by_api_field_and_exits_1(body_file, example_body):
    example_body["maxRingingTime"] = 19
    example_body["numberInfoList"][0]["text1"] = "x" * 31
    code, out, _ = run("load_campaign", body_file(example_body), "--check", "--json")
    assert code == 1
    line = json.loads(out)
    assert line["valid"] is False
    assert set(line["errors"]) == {"maxRingingTime", "numberInfoList[0].text1"}
    assert "31 characters" in line["errors"]["numberInfoList[0].text1"][0]


def test_a_file_that_is_not_json_is_invalid_not_a_crash(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    code, out, _ = run("load_campaign", str(path), "--check", "--json")
    assert code == 1 and list(json.loads(out)["errors"]) == ["body"]


def test_loading_creates_a_draft_with_its_list_template_and_round_trips(body_file, example_body, capsys):
    code, out, _ = run("load_campaign", body_file(), "--json")
    assert code == 0
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DRAFT
    assert list(Callee.objects.values_list("number", "text1", "text2", "text3")) == [
        ("8613000000001", "tom", "$12451.12", "2025-3-21")
    ]
    assert SmsTemplate.objects.get().sms_app_id == "9obbP7Nl"
    _, exported, _ = run("export_campaign", campaign.task_name)
    assert json.loads(exported) == example_body


def test_send_time_is_read_and_written_in_the_providers_zone(body_file, example_body, settings):
    settings.LAAFFIC_TIME_ZONE = "Asia/Shanghai"
    example_body["sendTime"] = "2099-01-01 08:00:00"
    run("load_campaign", body_file(example_body))
    campaign = Campaign.objects.get()
    assert campaign.send_time.isoformat() == "2099-01-01T00:00:00+00:00"
    _, exported, _ = run("export_campaign", campaign.task_name)
    assert json.loads(exported)["sendTime"] == "2099-01-01 08:00:00"


def test_loading_a_voice_file_id_keeps_it_as_given(body_file, example_body):
    for name in ("text", "lan"):
        example_body.pop(name)
    example_body.update(source=1, voiceFileId="1202202254d4c6372d6f341e999c7ecd0683ee464.mp3")
    run("load_campaign", body_file(example_body))
    assert VoiceFile.objects.get().provider_file_id == example_body["voiceFileId"]
    _, exported, _ = run("export_campaign", example_body["taskName"])
    assert json.loads(exported) == example_body


def test_loading_inline_audio_stores_the_file_and_exports_the_same_base64(body_file, example_body, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    audio = base64.b64encode(b"RIFF....WAVEfmt fake").decode()
    example_body.update(source=2, uploadName="hello.wav", baseFile=audio)
    run("load_campaign", body_file(example_body))
    _, exported, _ = run("export_campaign", example_body["taskName"])
    assert json.loads(exported)["baseFile"] == audio


def test_loading_an_invalid_body_stores_nothing(body_file, example_body):
    example_body["numberInfoList"].append({"calleeNumber": "12"})
    code, out, _ = run("load_campaign", body_file(example_body), "--json")
    assert code == 1 and "numberInfoList[1].calleeNumber" in json.loads(out)["errors"]
    assert not Campaign.objects.exists() and not Callee.objects.exists()


@pytest.mark.parametrize("key", [5, "5"])
def test_the_sms_key_keeps_the_json_type_it_was_loaded_with(body_file, example_body, key):
    example_body.update(feedbackPush=1, feedbackValue=key)
    run("load_campaign", body_file(example_body))
    _, exported, _ = run("export_campaign", example_body["taskName"])
    assert json.loads(exported)["feedbackValue"] == key


def without(body, *names):
    for name in names:
        body.pop(name, None)
    return body


@pytest.mark.parametrize("changes, field", [
    ({"toSeat": 1, "sipGroupId": -5}, "sipGroupId"),
    ({"toSeat": 0, "calloutRate": -1}, "calloutRate"),
    ({"toSeat": 0, "toSeatType": -1}, "toSeatType"),
    ({"toSeat": 0, "outboundControl": 40_000}, "outboundControl"),
    ({"sipGroupId": 2**31}, "sipGroupId"),
    ({"delayTransfer": 2**31}, "delayTransfer"),
    ({"appId": "x" * 65}, "appId"),
    ({"lan": "x" * 17}, "lan"),
    ({"accent": "9" * 17}, "accent"),
    ({"hangUpSms": 0, "smsAppId": "x" * 65}, "smsAppId"),
    ({"taskName": "Spring\x00sale"}, "taskName"),
    ({"text": "Hello \ud800"}, "text"),
    ({"numberInfoList": [{"calleeNumber": "8613000000001", "text1": "to\x00m"}]}, "numberInfoList[0].text1"),
])
def test_check_refuses_what_loading_could_not_store_and_loading_agrees(tmp_path, example_body, changes, field):
    path = tmp_path / "body.json"
    path.write_text(json.dumps(dict(example_body, **changes)))  # escaped: "\ud800" is valid JSON, not UTF-8
    code, out, _ = run("load_campaign", str(path), "--check", "--json")
    assert code == 1 and field in json.loads(out)["errors"], out
    code, out, _ = run("load_campaign", str(path), "--json")
    assert code == 1 and field in json.loads(out)["errors"], out
    assert not Campaign.objects.exists() and not Callee.objects.exists()


def test_a_voice_file_id_too_long_to_store_is_refused(body_file, example_body):
    without(example_body, "text", "lan").update(source=1, voiceFileId="x" * 129)
    code, out, _ = run("load_campaign", body_file(example_body), "--check", "--json")
    assert code == 1 and list(json.loads(out)["errors"]) == ["voiceFileId"]


def load_both_ways(body_file, body):
    """(errors of --check, errors of loading): the same body, both must agree."""
    path = body_file(body)
    checked = json.loads(run("load_campaign", path, "--check", "--json")[1])
    loaded = json.loads(run("load_campaign", path, "--json")[1])
    return checked.get("errors"), loaded.get("errors")


def test_a_body_number_that_cannot_exist_is_refused_with_the_imports_message(body_file, example_body):
    example_body["numberInfoList"].append({"calleeNumber": "8610000000000"})
    checked, loaded = load_both_ways(body_file, example_body)
    assert checked == loaded
    assert checked["numberInfoList[1].calleeNumber"] == ["'8610000000000' cannot exist for country code +86 (CN)."]
    assert not Campaign.objects.exists() and not Callee.objects.exists()


def test_a_body_number_written_another_way_than_the_import_stores_it_is_refused_not_rewritten(
        body_file, example_body):
    example_body["numberInfoList"].append({"calleeNumber": "0034612345679"})
    checked, loaded = load_both_ways(body_file, example_body)
    assert checked == loaded == {"numberInfoList[1].calleeNumber": [
        "Phone number '0034612345679' is written another way than the import stores it: write it as "
        "34612345679 (country code first, no 00 in front, no 0 after the country code)."]}
    assert not Callee.objects.exists()


def test_a_body_number_with_a_plus_keeps_the_apis_own_message(body_file, example_body):
    example_body["numberInfoList"][0]["calleeNumber"] = "+8613000000001"
    checked, _ = load_both_ways(body_file, example_body)
    assert checked == {"numberInfoList[0].calleeNumber": [
        "Phone number '+8613000000001' may only contain digits (country code first, no +, spaces or dashes)."]}


@pytest.fixture
def inline_audio(example_body, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for name in ("text", "lan"):
        example_body.pop(name)

    def use(name, content):
        example_body.update(source=2, uploadName=name, baseFile=base64.b64encode(content).decode())
        return example_body

    return use


def test_loaded_inline_audio_that_is_not_audio_is_refused_on_base_file(body_file, inline_audio):
    checked, loaded = load_both_ways(body_file, inline_audio("hello.wav", b"<html><body>hi</body></html>"))
    assert checked == loaded == {"baseFile": [
        "The audio of 'hello.wav' is not MP3, M4A or WAV audio (Laaffic plays only these). "
        "Export the recording as MP3 or WAV and attach that file."]}
    assert not VoiceFile.objects.exists()


def test_loaded_inline_audio_over_the_size_limit_is_refused(body_file, inline_audio, settings):
    settings.VOICE_FILE_MAX_MB = 1
    checked, loaded = load_both_ways(body_file, inline_audio("hello.wav", b"RIFF\0\0\0\0WAVE" + b"\0" * (1 << 20)))
    assert checked == loaded == {"baseFile": [
        "The audio file is 1.1 MB; the limit is 1 MB. Shorten the recording, or export it as MP3 "
        "(a minute of speech is about 1 MB)."]}
    assert not VoiceFile.objects.exists()


@pytest.mark.parametrize("size", [1 << 20, (1 << 20) - 1, (1 << 20) - 2])
def test_loaded_inline_audio_at_the_size_limit_is_stored_whole(body_file, inline_audio, settings, size):
    settings.VOICE_FILE_MAX_MB = 1
    content = (b"RIFF\0\0\0\0WAVE" + b"\x01" * size)[:size]
    code, out, _ = run("load_campaign", body_file(inline_audio("hello.wav", content)), "--json")
    assert code == 0, out
    assert VoiceFile.objects.get().audio.read() == content
