"""An operator launches a list over Laaffic's per-task limit in the admin (the limit lowered to 4 numbers in the
contract table): the confirmation says how many tasks, each part is posted once, the page shows them."""
from playwright.sync_api import expect

from campaigns.models import Campaign
from tests.e2e.test_campaign_journey import log_in, marketing_user
from tests.factories import CampaignFactory
from tests.services.test_parts import posts


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
