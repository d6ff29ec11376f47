"""A call two campaigns could own: the results page says so and leads staff to the call."""
from playwright.sync_api import expect

from tests.admin.test_call_records import shared_calls
from tests.e2e.test_campaign_journey import log_in, marketing_user


def test_the_results_page_leads_to_the_calls_another_campaign_could_own(page, save_screenshot):
    spring, reminder = shared_calls()
    log_in(page, marketing_user("mia", can_submit=False))
    page.goto(f"/admin/campaigns/campaign/{spring.pk}/results/")
    warning = page.locator("#shared-calls")
    expect(warning).to_contain_text("1 call could belong to this campaign or another; not counted.")
    expect(page.locator("#calls")).to_contain_text("0")
    save_screenshot("results-with-shared-calls")
    warning.get_by_role("link", name="See it").click()
    expect(page.get_by_role("heading", name="Select call record to view")).to_be_visible()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("8613800000001")
    expect(row).to_contain_text("Spring sale")
    expect(row).to_contain_text("Spring sale reminder")
    save_screenshot("call-records-could-belong-to")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="View call record")).to_be_visible()
    expect(page.locator(".field-could_belong_to")).to_contain_text("Spring sale, Spring sale reminder")
    save_screenshot("call-record-view")
