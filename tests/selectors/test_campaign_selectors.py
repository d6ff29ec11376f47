"""The reads behind the campaign pages: what they show, in a number of queries that does not grow with the list."""
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from django.utils.timezone import override

from campaigns.laaffic import records as laaffic_records
from campaigns.models import CallRecord, Campaign, ProviderStatus, SuppressedNumber
from campaigns.selectors.campaigns import (
    CALLS_PAGE_SIZE, campaign_calls_page, campaign_cancellable, campaign_progress, campaign_review, start_warning,
    window_notes,
)
from campaigns.selectors.recalls import recall_plans
from campaigns.services.tracking import call_records_ingest
from tests.factories import CalleeFactory, CampaignFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status


def as_the_page_loads_it(campaign):
    return Campaign.objects.select_related("callee_list", "voice_file", "sms_template").get(pk=campaign.pk)


@pytest.mark.parametrize("callees", [3, 300])
def test_a_review_reads_any_list_in_the_same_queries(callees, django_assert_num_queries):
    campaign = CampaignFactory(callees=0, hang_up_sms=1, sms_on_ring=1, sms_template=SmsTemplateFactory())
    first, *_, last = CalleeFactory.create_batch(callees, callee_list=campaign.callee_list)
    SuppressedNumber.objects.create(number=last.number)
    campaign = as_the_page_loads_it(campaign)
    # the first callees, how many are called and left out (do-not-call), the callees that may break a
    # rule, a name clash, a test call still under way
    with django_assert_num_queries(5):
        review = campaign_review(campaign)
    assert review.ready and review.problems == [] and review.refusal == ""
    assert (review.callee_count, review.suppressed_count) == (callees - 1, 1)  # the do-not-call number left out
    assert review.sms_example == f"Hi {first.text1}, thanks for your time."
    shown = json.loads(review.body)["numberInfoList"]
    assert shown[0] == {"calleeNumber": first.number, "text1": first.text1}
    assert shown[3:] == ([f"… and {callees - 4:,} more callees"] if callees > 4 else [])
    assert review.send_time_local is None and review.send_time_provider is None


def test_a_review_says_why_a_campaign_cannot_be_launched():
    campaign = CampaignFactory(status=Status.SUBMITTED, key_id="42", tts_text="")
    review = campaign_review(as_the_page_loads_it(campaign))
    assert not review.ready
    assert "never sent twice" in review.refusal
    assert [problem.field for problem in review.problems] == ["text"]


def test_progress_is_read_from_the_campaign_alone(django_assert_num_queries):
    campaign = CampaignFactory(callees=0, status=Status.SUBMITTED, provider_status=ProviderStatus.CALLING,
                               progress=40, numbers_total=10, numbers_called=4, numbers_success=3, numbers_failed=1)
    with django_assert_num_queries(0):
        progress = campaign_progress(campaign)
    assert progress == {"status": "Submitted", "provider_status": "Calling", "progress": 40, "numbers": 10,
                        "called": 4, "success": 3, "fail": 1, "synced_at": None, "final": False}


def calls(campaign, count):
    for i in range(count):
        callee = CalleeFactory(callee_list=campaign.callee_list, number=f"86138000{i:05d}")
        call_records_ingest([laaffic_records.parse_record({
            "voiceId": f"v{i}", "taskId": campaign.task_id, "callee": callee.number,
            "callTime": 1764300000000 + i, "callStatus": 50 if i % 2 else 10})])


@pytest.mark.parametrize("count", [3, CALLS_PAGE_SIZE + 5])
def test_a_page_of_calls_takes_two_queries_whatever_it_shows(count, django_assert_num_queries):
    campaign = CampaignFactory(callees=0, status=Status.SUBMITTED, task_id=900)
    calls(campaign, count)
    with django_assert_num_queries(2):  # the count and the page, its callees joined
        page = campaign_calls_page(campaign)
        numbers = [(record.callee_number, record.callee.number) for record in page]
    assert len(numbers) == min(count, CALLS_PAGE_SIZE) and all(a == b for a, b in numbers)
    assert page.paginator.count == count


def test_a_page_of_calls_filters_by_a_known_outcome_only():
    campaign = CampaignFactory(callees=0, status=Status.SUBMITTED, task_id=900)
    calls(campaign, 4)
    answered = campaign_calls_page(campaign, outcome=CallRecord.Outcome.ANSWERED)
    assert {record.outcome for record in answered} == {CallRecord.Outcome.ANSWERED}
    assert len(campaign_calls_page(campaign, outcome="'; drop table")) == 4
    assert campaign_calls_page(campaign, page="999").number == 1  # past the end: the last page


@pytest.mark.parametrize(("status", "provider_status", "cancellable"), [
    (Status.SUBMITTED, None, True),  # not synced yet: the cancel asks Laaffic first
    (Status.SUBMITTED, ProviderStatus.WAITING, True),
    (Status.SUBMITTED, ProviderStatus.CALLING, True),
    (Status.SUBMITTED, ProviderStatus.FINISHED, False),
    (Status.SUBMITTED, ProviderStatus.CANCELLED, False),
    (Status.DRAFT, None, False),
    (Status.UNKNOWN, None, False),
])
def test_only_a_running_campaign_is_cancellable(status, provider_status, cancellable):
    assert campaign_cancellable(Campaign(status=status, provider_status=provider_status)) is cancellable


@pytest.mark.parametrize("callees", [3, 300])
def test_the_recall_plans_read_any_list_in_the_same_queries(callees, django_assert_num_queries):
    parent = CampaignFactory(callees=callees, status=Status.SUBMITTED, provider_status=ProviderStatus.FINISHED,
                             numbers_total=callees, numbers_called=callees, numbers_failed=0)
    # counted, never read: the list, its numbers called, reached, on the do-not-call list, the records of those,
    # and all records
    with django_assert_num_queries(6):
        plans = recall_plans(parent)
    assert plans[True].refusal == "Nobody left to call: Laaffic reached every number it called."
    assert plans[False].resend and plans[False].count == callees


# What the builder's schedule step and review say about the calling windows

def test_a_window_split_at_midnight_is_explained_in_both_zones(settings):
    settings.LAAFFIC_TIME_ZONE = "Asia/Shanghai"
    campaign = CampaignFactory(calling_windows=[{"start": "21:00", "end": "23:59"}, {"start": "00:00", "end": "03:00"}],
                               send_time=datetime(2030, 1, 10, 9, tzinfo=timezone.utc))
    with override(ZoneInfo("Europe/Madrid")):
        assert window_notes(campaign) == [
            "Your window 14:00–20:00 (Europe/Madrid) is 21:00–03:00 in Laaffic's zone (Asia/Shanghai), past midnight "
            "there, so it is sent as two windows: 21:00–23:59 and 00:00–03:00."]
    campaign.calling_windows = [{"start": "09:00", "end": "18:00"}]
    assert window_notes(campaign) == []


def test_a_start_outside_every_window_says_when_calling_begins(settings):
    settings.LAAFFIC_TIME_ZONE = "Asia/Shanghai"
    campaign = CampaignFactory(calling_windows=[{"start": "09:00", "end": "12:00"}, {"start": "14:00", "end": "18:00"}],
                               send_time=datetime(2030, 1, 10, 5, 30, tzinfo=timezone.utc))  # 13:30 in Shanghai
    with override(ZoneInfo("UTC")):
        assert start_warning(campaign) == (
            "It starts at 2030-01-10 05:30 your time (13:30 in Laaffic's zone, Asia/Shanghai), outside every calling "
            "window: no call is made until one opens, at 14:00 there (06:00 your time).")
        campaign.send_time = datetime(2030, 1, 10, 11, tzinfo=timezone.utc)  # 19:00 there: the next is tomorrow's 09:00
        assert start_warning(campaign).endswith("at 09:00 there (01:00 your time).")
        campaign.send_time = datetime(2030, 1, 10, 2, tzinfo=timezone.utc)  # 10:00 there
        assert start_warning(campaign) == ""
