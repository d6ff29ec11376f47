"""Submitting over real HTTP to the local simulator, exactly once."""
import base64
import json
import socket
import threading

import pytest
from django.core import serializers
from django.db import connection

from campaigns.models import Campaign, Submission, VoiceFile
from campaigns.services import bodies
from campaigns.services.campaigns import campaign_problems, campaign_queue, campaign_submit
from tests.conftest import DOC_SECRET
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status


def queue_and_submit(campaign):
    assert campaign_queue(campaign).queued
    return campaign_submit(campaign.pk)


def group_calls(simulator):
    return [r for r in simulator.requests if r["path"].endswith("voice/group/call/send")]


def test_a_valid_campaign_is_accepted_and_its_key_id_stored(simulator):
    campaign = CampaignFactory(callees=4)
    result = queue_and_submit(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.SUBMITTED == result.status
    assert campaign.key_id == str(simulator.tasks[campaign.task_name]["key_id"])
    assert simulator.tasks[campaign.task_name]["callee_count"] == 4
    (attempt,) = campaign.submissions.all()
    assert attempt.outcome == Submission.Outcome.ACCEPTED
    assert attempt.http_status == 200 and attempt.code == "0" and attempt.key_id == campaign.key_id
    assert attempt.request_headers["Sign"] == "[redacted]"
    assert attempt.request_body["numberInfoList"]["count"] == 4
    assert len(attempt.request_body["numberInfoList"]["sha256"]) == 64
    assert attempt.request_body["taskName"] == campaign.task_name
    assert json.loads(attempt.response_body)["data"] == int(campaign.key_id)
    assert attempt.finished_at >= attempt.started_at and attempt.duration_ms is not None


def test_the_body_sent_is_the_exported_body(simulator):
    campaign = CampaignFactory(callees=2, display_number="1008122211", speaking_rate=1.5)
    queue_and_submit(campaign)
    (sent,) = group_calls(simulator)
    assert sent["body"]["displayNum"] == "1008122211"
    assert sent["body"]["speakingRate"] == 1.5
    assert [c["calleeNumber"] for c in sent["body"]["numberInfoList"]] == list(
        campaign.callee_list.callees.values_list("number", flat=True)
    )


def test_a_permanent_refusal_leaves_the_campaign_failed_with_the_code_and_its_meaning(simulator):
    simulator.fail_next(code="-1")
    campaign = CampaignFactory()
    result = queue_and_submit(campaign)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.provider_code, result.retry_in) == (Status.FAILED, "-1", None)
    assert "API key" in campaign.status_detail
    assert campaign.submissions.get().outcome == Submission.Outcome.REJECTED


def test_a_failed_campaign_can_be_fixed_and_submitted_again(simulator):
    simulator.fail_next(code="-22")
    campaign = CampaignFactory()
    queue_and_submit(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.FAILED
    assert queue_and_submit(campaign).status == Status.SUBMITTED
    assert campaign.submissions.count() == 2


def test_an_expired_timestamp_is_re_signed_and_retried_once(simulator):
    simulator.fail_next(code="-16")
    campaign = CampaignFactory()
    assert queue_and_submit(campaign).status == Status.SUBMITTED
    outcomes = list(campaign.submissions.order_by("id").values_list("code", "outcome"))
    assert outcomes == [("-16", Submission.Outcome.RETRY), ("0", Submission.Outcome.ACCEPTED)]
    first, second = group_calls(simulator)
    assert first["headers"]["Timestamp"] <= second["headers"]["Timestamp"]


def test_a_second_expired_timestamp_goes_back_to_the_queue(simulator):
    simulator.fail_next(code="-16", times=2)
    campaign = CampaignFactory()
    result = queue_and_submit(campaign)
    assert result.status == Status.QUEUED and result.retry_in > 0
    assert len(group_calls(simulator)) == 2


def test_the_concurrency_cap_is_retried_later(simulator):
    simulator.fail_next(code="-37")
    campaign = CampaignFactory()
    result = queue_and_submit(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.QUEUED and result.retry_in >= 60
    assert "group calls" in campaign.status_detail
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED


def test_connection_refused_sends_nothing_and_is_retried(simulator, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LAAFFIC_API_URL = f"http://127.0.0.1:{port}/v3"
    campaign = CampaignFactory()
    result = queue_and_submit(campaign)
    assert result.status == Status.QUEUED and result.retry_in is not None
    assert campaign.submissions.get().outcome == Submission.Outcome.RETRY
    settings.LAAFFIC_API_URL = simulator.base_url
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED


def test_a_timeout_after_sending_leaves_the_campaign_unknown_and_never_resends(simulator, settings):
    settings.LAAFFIC_TIMEOUT = 0.3
    simulator.fail_next(delay=1.0)
    campaign = CampaignFactory()
    result = queue_and_submit(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.UNKNOWN and result.retry_in is None
    assert "may or may not exist" in campaign.status_detail
    assert campaign_queue(campaign).status == Status.UNKNOWN
    assert campaign_submit(campaign.pk).status == Status.UNKNOWN
    assert len(group_calls(simulator)) == 1


def test_a_server_error_is_retried_and_a_name_clash_afterwards_means_unknown(simulator):
    # The 502 came after Laaffic created the task; the retry meets "name exists".
    campaign = CampaignFactory()
    simulator.fail_next(http_status=502)
    result = queue_and_submit(campaign)
    assert result.status == Status.QUEUED
    simulator.tasks[campaign.task_name] = {"key_id": 1, "name": campaign.task_name}
    result = campaign_submit(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Status.UNKNOWN and result.code == "-41"
    assert "earlier attempt" in campaign.status_detail


def test_a_name_clash_on_a_first_attempt_is_a_plain_failure(simulator):
    campaign = CampaignFactory()
    simulator.tasks[campaign.task_name] = {"key_id": 1, "name": campaign.task_name}
    assert queue_and_submit(campaign).status == Status.FAILED
    campaign.refresh_from_db()
    assert "Rename" in campaign.status_detail


def test_a_submitted_campaign_is_never_posted_again(simulator):
    campaign = CampaignFactory()
    queue_and_submit(campaign)
    campaign.refresh_from_db()
    again = campaign_queue(campaign)
    assert again.status == Status.SUBMITTED and "never sent twice" in again.message
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    assert len(group_calls(simulator)) == 1


def test_a_redelivered_task_does_not_post_a_claimed_campaign_again(simulator):
    campaign = CampaignFactory()
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    assert len(group_calls(simulator)) == 1


def test_a_campaign_with_problems_is_not_queued(simulator):
    campaign = CampaignFactory(callees=0)
    result = campaign_queue(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.DRAFT and "no phone numbers" in result.message
    assert simulator.requests == []


def test_missing_credentials_fail_with_a_clear_message_and_send_nothing(simulator, settings):
    settings.LAAFFIC_API_KEY = ""
    settings.LAAFFIC_API_SECRET = ""
    campaign = CampaignFactory()
    result = queue_and_submit(campaign)
    assert result.status == Status.FAILED
    assert "LAAFFIC_API_KEY" in result.message
    assert simulator.requests == []


def test_a_recorded_file_is_uploaded_once_and_its_id_kept(simulator, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.base import ContentFile

    voice = VoiceFile(name="greeting.mp3")
    voice.audio.save("greeting.mp3", ContentFile(b"ID3 fake audio"), save=True)
    first = CampaignFactory(source=Campaign.Source.VOICE_FILE, voice_file=voice, tts_text="", language="")
    second = CampaignFactory(source=Campaign.Source.VOICE_FILE, voice_file=voice, tts_text="", language="")
    assert queue_and_submit(first).status == Status.SUBMITTED
    assert queue_and_submit(second).status == Status.SUBMITTED
    voice.refresh_from_db()
    uploads = [r for r in simulator.requests if r["path"].endswith("voice/fileUpload")]
    assert len(uploads) == 1 and voice.provider_file_id
    assert all(c["body"]["voiceFileId"] == voice.provider_file_id for c in group_calls(simulator))


def inline_audio_campaign(size):
    from django.core.files.base import ContentFile

    voice = VoiceFile(name="greeting.wav")
    content = (b"RIFF\0\0\0\0WAVE" + bytes(range(256)) * (size // 256 + 1))[:size]
    voice.audio.save("greeting.wav", ContentFile(content), save=True)
    campaign = CampaignFactory(source=Campaign.Source.INLINE_FILE, voice_file=voice, tts_text="", language="")
    return campaign, content


def test_audio_sent_with_the_task_reaches_laaffic_whole_even_when_re_signed(simulator, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    campaign, content = inline_audio_campaign(1_000_001)
    simulator.fail_next(code="-16")  # an expired timestamp: signed again and sent again at once
    assert queue_and_submit(campaign).status == Status.SUBMITTED
    sent = group_calls(simulator)
    assert len(sent) == 2
    assert all(base64.b64decode(r["body"]["baseFile"], validate=True) == content for r in sent)
    assert sent[-1]["body"]["uploadName"] == "greeting.wav"
    stored = campaign.submissions.order_by("started_at", "id").last().request_body
    assert stored["baseFile"] == f"[{len(base64.b64encode(content))} characters of base64]"


def test_checking_a_campaign_never_reads_its_recording(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    campaign, _ = inline_audio_campaign(4096)
    campaign.voice_file.audio.storage.delete(campaign.voice_file.audio.name)  # any read would now fail
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign_problems(campaign) == []
    assert bodies.campaign_body(campaign)["baseFile"] == bodies.AUDIO_SENT_LATER


def test_a_voice_file_upload_that_times_out_is_tried_again_not_left_unknown(simulator, tmp_path, settings):
    settings.MEDIA_ROOT, settings.LAAFFIC_TIMEOUT = str(tmp_path), 0.3
    from django.core.files.base import ContentFile

    voice = VoiceFile(name="greeting.mp3")
    voice.audio.save("greeting.mp3", ContentFile(b"ID3 fake audio"), save=True)
    campaign = CampaignFactory(source=Campaign.Source.VOICE_FILE, voice_file=voice, tts_text="", language="")
    simulator.fail_next(delay=1.0, path="voice/fileUpload")
    result = queue_and_submit(campaign)
    campaign.refresh_from_db()
    assert (campaign.status, result.retry_in is not None) == (Status.QUEUED, True)
    assert campaign.status_detail.startswith("Uploading the voice file failed: ")
    assert group_calls(simulator) == [] and not campaign.submissions.exists()
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED and len(group_calls(simulator)) == 1


def test_the_secret_never_reaches_the_database_or_the_logs(simulator, caplog):
    caplog.set_level("DEBUG")
    campaign = CampaignFactory()
    simulator.fail_next(code="-22")
    queue_and_submit(campaign)
    queue_and_submit(campaign)
    dump = serializers.serialize("json", [*Campaign.objects.all(), *Submission.objects.all()])
    sign = group_calls(simulator)[0]["headers"]
    assert Submission.objects.count() == 2
    assert DOC_SECRET not in dump and DOC_SECRET not in caplog.text
    assert all(r.request_headers["Sign"] == "[redacted]" for r in Submission.objects.all())
    assert sign["Sign"] == "[redacted]"


def at_once(action, times=4):
    """Run `action` in `times` threads released together; return what each returned."""
    results, barrier = [], threading.Barrier(times)

    def run():
        barrier.wait()
        try:
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_post_a_campaign_exactly_once(simulator):
    campaign = CampaignFactory(status=Status.QUEUED)
    results = at_once(lambda: campaign_submit(campaign.pk).status)
    assert len(group_calls(simulator)) == 1
    assert Submission.objects.filter(campaign=campaign).count() == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SUBMITTED
    assert len(results) == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_queueing_queues_and_sends_once(simulator):
    campaign = CampaignFactory()
    results = at_once(lambda: campaign_queue(Campaign.objects.get(pk=campaign.pk)).queued)
    assert sorted(results) == [False, False, False, True]
    # Outside a transaction the queued campaign's task runs at once (in-process here).
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SUBMITTED
    assert len(group_calls(simulator)) == 1
