"""A test call to yourself: once per click, over real HTTP to the simulator, its outcome from the push, kept
apart from the campaign's results, and no launch while it rings."""
import pytest

from campaigns.models import CallRecord, Campaign, CampaignEvent, StaffProfile
from campaigns.selectors.activity import campaign_activity
from campaigns.selectors.test_calls import latest_test_call
from campaigns.services.campaigns import campaign_queue
from campaigns.services import test_calls  # its verbs are named test_call_*: not collected by name
from campaigns.services.tracking import campaign_refresh
from tests.factories import CalleeFactory, CampaignFactory
from tests.services.test_tracking import push  # noqa: F401 (a fixture)
from tests.studio.factories import editor

pytestmark = pytest.mark.django_db
Status = Campaign.Status
PHONE = "34612345679"


def sends(simulator, task_name=None):
    return [r["body"] for r in simulator.requests if r["path"].endswith("voice/group/call/send")
            and (task_name is None or r["body"]["taskName"] == task_name)]


@pytest.fixture
def erin():
    person = editor(username="erin")
    StaffProfile.objects.create(user=person, phone_number=PHONE)
    return person


def send(campaign, user, key="click-1", callee=None, capture=None):
    callee = callee or campaign.callee_list.callees.order_by("id").last()
    return test_calls.test_call_send(campaign, user, callee, key)


def test_a_click_sends_the_campaign_to_my_phone_once_with_the_callees_texts(simulator, erin,
                                                                            django_capture_on_commit_callbacks):
    campaign = CampaignFactory(task_name="Spring sale", send_time=None)
    callee = CalleeFactory(callee_list=campaign.callee_list, text1="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        test, sent = test_calls.test_call_send(campaign, erin, callee, "click-1")
    with django_capture_on_commit_callbacks(execute=True):
        again, sent_again = test_calls.test_call_send(campaign, erin, callee, "click-1")  # the same click, resent
    assert sent and not sent_again and again == test
    (body,) = sends(simulator)
    assert body["taskName"] == "Spring sale test 1"
    assert body["numberInfoList"] == [{"calleeNumber": PHONE, "text1": "Ana"}]
    assert body["text"] == campaign.tts_text and "sendTime" not in body and "allowSendTime" not in body
    test.refresh_from_db()
    assert test.status == Status.SUBMITTED and test.test_of == campaign
    assert [(e.what, e.who) for e in campaign_activity(campaign)] == [(CampaignEvent.What.TEST_CALLED, erin)]
    assert "Spring sale test 1" in campaign_activity(campaign)[0].detail


def test_the_outcome_shows_after_the_push_and_stays_out_of_the_campaigns_results(simulator, erin, push,
                                                                                 django_capture_on_commit_callbacks):
    campaign = CampaignFactory(task_name="Spring sale")
    with django_capture_on_commit_callbacks(execute=True):
        test, _ = send(campaign, erin)
    status = latest_test_call(campaign)
    assert status.running and status.record is None and status.summary == "Sent: your phone should ring in a moment."
    refused = campaign_queue(campaign)
    assert not refused.queued and "test call of Spring sale is still under way" in refused.message
    simulator.finish(test.task_name)
    assert push(simulator.push_reports(simulator.tasks[test.task_name]["key_id"])).status_code == 200
    campaign_refresh(test)  # what the partial's poll does: learns the task id, links the pushed call
    status = latest_test_call(campaign)
    record = CallRecord.objects.get(callee_number=PHONE)
    assert status.record == record and not status.running
    assert status.summary.startswith(record.get_outcome_display())
    assert not CallRecord.objects.filter(campaign=campaign).exists()
    assert campaign_queue(campaign).queued  # no longer held back


def test_each_click_gets_the_next_free_name_within_the_limit(simulator, erin, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(task_name="x" * 64)
    CampaignFactory(task_name="x" * 57 + " test 1")  # taken by someone else
    assert test_calls.test_call_name(campaign) == "x" * 57 + " test 2"
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = send(campaign, erin, key="a")
    simulator.finish(first.task_name)
    Campaign.objects.filter(pk=first.pk).update(provider_status=Campaign.ProviderStatus.FINISHED)
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = send(campaign, erin, key="b")
    assert (first.task_name, second.task_name) == ("x" * 57 + " test 2", "x" * 57 + " test 3")
    assert len(sends(simulator)) == 2


def test_a_second_test_call_waits_for_the_first(simulator, erin):
    campaign = CampaignFactory()
    send(campaign, erin, key="a")
    with pytest.raises(test_calls.TestCallRefused, match="still under way"):
        send(campaign, erin, key="b")


@pytest.mark.parametrize("phone, message", [
    ("", "Add your phone number in Settings first"),
    ("0612345679", "Your phone number in Settings cannot be called"),
])
def test_no_usable_phone_number_is_refused_with_what_to_do(simulator, phone, message):
    person = editor(username="pat")
    if phone:
        StaffProfile.objects.create(user=person, phone_number=phone)
    campaign = CampaignFactory()
    with pytest.raises(test_calls.TestCallRefused, match=message):
        send(campaign, person)
    assert not campaign.test_calls.exists() and sends(simulator) == []


def test_a_callee_of_another_list_or_a_launched_campaign_is_refused(simulator, erin):
    campaign = CampaignFactory()
    stranger = CalleeFactory()
    with pytest.raises(test_calls.TestCallRefused, match="Pick a callee of"):
        send(campaign, erin, callee=stranger)
    launched = CampaignFactory(status=Status.SUBMITTED)
    with pytest.raises(test_calls.TestCallRefused, match="launched already"):
        send(launched, erin)
    assert sends(simulator) == []
