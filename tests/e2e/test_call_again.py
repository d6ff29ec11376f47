"""Call again in the browser: the confirmation page says who each choice calls, or that nobody is left."""
from playwright.sync_api import expect

from campaigns.laaffic import records as laaffic_records
from campaigns.models import Campaign, ProviderStatus, SuppressedNumber
from campaigns.services.tracking import call_records_ingest
from tests.e2e.test_campaign_journey import log_in, marketing_user
from tests.factories import CalleeFactory, CampaignFactory


def cancelled_after_one_answered_call(numbers):
    campaign = CampaignFactory(task_name="Spring sale", callees=0, status=Campaign.Status.SUBMITTED, task_id=900,
                               key_id="900", provider_status=ProviderStatus.CANCELLED, progress=20,
                               numbers_total=len(numbers), numbers_called=1, numbers_success=1, numbers_failed=0)
    for i, number in enumerate(numbers):
        CalleeFactory(callee_list=campaign.callee_list, number=number, text1=f"Customer {i + 1}")
    call_records_ingest([laaffic_records.parse_record({
        "voiceId": "v1", "taskId": 900, "callee": numbers[0], "callTime": 1764300000000, "callDuration": 20,
        "callStatus": 50, "cost": "0.0123", "currency": "USD"})])
    return campaign


def open_call_again(page, campaign):
    page.goto("/admin/campaigns/campaign/")
    page.get_by_role("row", name=campaign.task_name).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("call_again")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name=f"Call {campaign.task_name} again?")).to_be_visible()


def test_call_again_shows_who_is_left_and_calls_exactly_them(page, simulator, save_screenshot):
    numbers = [f"861380000000{i}" for i in range(5)]
    parent = cancelled_after_one_answered_call(numbers)
    SuppressedNumber.objects.create(number=numbers[4], reason="asked not to be called")
    log_in(page, marketing_user("mia", can_submit=True))
    open_call_again(page, parent)
    expect(page.get_by_label("Only the numbers that were not reached")).to_be_checked()
    expect(page.locator("#recall-choice-1")).to_have_text(
        "Only the numbers that were not reached: 3 numbers 3 never called, 1 on the do-not-call list left out. "
        "Sent as a new group call with exactly these numbers and their texts.", use_inner_text=True)
    expect(page.locator("#recall-choice-0")).to_contain_text(
        "Every number again: 4 numbers Every number of the first run except 1 on the do-not-call list.")
    save_screenshot("call-again-numbers-left")
    page.get_by_label("Task name").fill("Spring sale, second try")
    page.get_by_role("button", name="Yes, call again").click()
    expect(page.locator(".messagelist")).to_contain_text("Spring sale, second try created as a new run of Spring "
                                                         "sale: 3 numbers")
    sent = [r["body"] for r in simulator.requests if r["path"].endswith("group/call/send")]
    assert [[c["calleeNumber"] for c in body["numberInfoList"]] for body in sent] == [numbers[1:4]]


def test_call_again_says_nobody_is_left(page, save_screenshot):
    numbers = ["8613800000001"]
    parent = cancelled_after_one_answered_call(numbers)
    SuppressedNumber.objects.create(number=numbers[0])
    log_in(page, marketing_user("noa", can_submit=True))
    open_call_again(page, parent)
    expect(page.locator("#nobody-left")).to_have_text("Nobody left to call, so no new run is created.")
    expect(page.get_by_role("button", name="Yes, call again")).to_have_count(0)
    save_screenshot("call-again-nobody-left")
    assert Campaign.objects.count() == 1
