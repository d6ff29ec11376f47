"""A list over Laaffic's per-task limit (lowered to 4 numbers in the contract table) launched in the admin by an
operator and in the studio by an approver: the confirmation or review says how many tasks, each part is posted
once, the campaign's page shows them, and in the studio its progress and results are their sums."""
import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from campaigns.models import Campaign
from campaigns.services.tracking import campaign_backfill, campaign_sync
from tests.e2e.test_campaign_journey import log_in, marketing_user
from tests.e2e.test_studio import log_in as log_in_studio
from tests.factories import CampaignFactory
from tests.services.test_parts import posts
from tests.studio.factories import approver


def test_a_long_list_is_confirmed_launched_and_followed_in_parts(page, simulator, limit_of_4, save_screenshot):
    campaign = CampaignFactory(task_name="Summer sale", callees=9)
    log_in(page, marketing_user("olga", can_submit=True))
    page.goto("/admin/campaigns/campaign/")
    page.get_by_role("checkbox", name="Select this object for an action - Summer sale").check()
    page.get_by_label("Action:").select_option("submit_to_laaffic")
    page.get_by_role("button", name="Go").click()
    tasks = page.locator(".parts-note")
    expect(tasks).to_contain_text("so the 9 numbers are sent in 3 parts, each its own task")
    expect(tasks).to_contain_text("“Summer sale (3/3)” (1)")
    save_screenshot("parts-confirmation")

    page.get_by_role("button", name="Yes, submit 1 campaign to Laaffic").click()
    expect(page.locator(".messagelist")).to_contain_text("Summer sale is queued for sending as 3 tasks of at most 4 numbers.")
    assert [posts(simulator, f"Summer sale ({n}/3)") for n in (1, 2, 3)] == [1, 1, 1]
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    expect(page.locator("#campaign-parts tbody tr")).to_have_count(3)
    expect(page.locator("#campaign-parts")).to_contain_text("Summer sale (2/3)")
    expect(page.locator(".field-status_detail")).to_contain_text("3 parts, each its own task on Laaffic: 3 submitted.")
    save_screenshot("parts-campaign-page")
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PARTS


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_an_approver_launches_a_long_list_from_the_studio_review_and_follows_its_parts_as_one(
        page, live_server, simulator, limit_of_4, save_screenshot):
    """The same in the studio: the review says how many tasks, Launch sends each part once, the campaign page
    sums their progress and results (the real size, 250,000 numbers, is tests/integration/test_launch_in_parts.py)."""
    campaign = CampaignFactory(task_name="Summer sale", callees=9)
    log_in_studio(page, live_server, approver(first_name="Alex"))
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/review/")
    tasks = page.locator("#review-parts")
    expect(tasks).to_contain_text("so the 9 numbers are sent in 3 parts, each its own task")
    expect(tasks).to_contain_text("“Summer sale (1/3)” (4), “Summer sale (2/3)” (4), “Summer sale (3/3)” (1)")
    save_screenshot("parts-studio-review")
    page.get_by_role("button", name="Launch").click()

    page.wait_for_url(re.compile(rf"/campaigns/{campaign.pk}/$"))
    assert [posts(simulator, f"Summer sale ({n}/3)") for n in (1, 2, 3)] == [1, 1, 1]
    assert posts(simulator, "Summer sale") == 0  # the whole list is never sent as one task
    expect(page.locator("#parts tbody tr")).to_have_count(3)
    expect(page.locator("#parts-title")).to_have_text("Sent as 3 tasks")

    simulator.finish("Summer sale (1/3)")  # 4 numbers
    simulator.finish("Summer sale (3/3)")  # 1 number
    campaign_sync(Campaign.objects.get(pk=campaign.pk))  # the beat job: every part, summed on the campaign
    expect(page.locator("#counts")).to_contain_text("5 of 9 numbers called", timeout=10_000)  # polled
    save_screenshot("parts-studio-calling")

    simulator.finish("Summer sale (2/3)")
    with transaction.atomic():
        campaign_sync(Campaign.objects.get(pk=campaign.pk))
        campaign_backfill(Campaign.objects.get(pk=campaign.pk))
    expect(page.locator("#status")).to_contain_text("Finished", timeout=10_000)
    expect(page.locator("#calls-reported")).to_have_text("9")
    expect(page.locator("#calls-table tbody tr")).to_have_count(9)
    save_screenshot("parts-studio-finished")
    assert len([r for r in simulator.requests if r["path"].endswith("voice/group/call/send")]) == 3
