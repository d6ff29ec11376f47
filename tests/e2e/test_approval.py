"""Approval and the test call in Chromium, on the studio's own pages: an editor asks on the review, the approver
finds it on Home and sends it back with a comment, the editor sees the comment, fixes the message on its step and
asks again, the approver approves and it launches; the activity log of that journey on the campaign page, line by
line; a test call from the review whose outcome appears on the review."""
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from campaigns.models import Campaign, CampaignEvent, StaffProfile
from campaigns.services.campaigns import campaign_save
from tests.factories import CampaignFactory
from tests.services.test_tracking import push  # noqa: F401 (a fixture)
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user, path):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/?next={path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("calls-2026-studio")
    page.get_by_role("button", name="Log in").click()


def test_ask_send_back_fix_ask_again_approve_and_launch(page, live_server, simulator, save_screenshot):
    erin, alex = editor(username="erin", first_name="Erin"), approver(username="alex", first_name="Alex")
    campaign = campaign_save(CampaignFactory.build(task_name="Spring sale",
                                                   callee_list=CampaignFactory(callees=3).callee_list), user=erin)
    review = f"/campaigns/{campaign.pk}/edit/review/"

    log_in(page, live_server, erin, review)
    expect(page.get_by_role("button", name="Launch")).to_have_count(0)  # an editor asks; an approver launches
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.get_by_role("alert")).to_contain_text("Spring sale is waiting for approval")
    expect(page.locator("#approval-state")).to_contain_text("asked by you")
    save_screenshot("approval-1-asked")

    log_in(page, live_server, alex, "/")
    expect(page.locator("#waiting-for-approval")).to_contain_text("Waiting for my approval")
    expect(page.locator("#waiting-for-approval")).to_contain_text("Spring sale — asked by Erin")
    save_screenshot("approval-2-home-waiting")
    page.locator("#waiting-for-approval").get_by_role("link", name="Spring sale").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/edit/review/$"))
    expect(page.locator("#approval-state")).to_contain_text("asked by Erin")
    page.get_by_role("button", name="Send back").click()  # empty: the browser asks for the comment first
    expect(page.get_by_label("What should change")).to_have_attribute("required", "")
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Campaign.Approval.REQUESTED
    page.get_by_label("What should change").fill("Say the shop's opening hours.")
    page.get_by_role("button", name="Send back").click()
    expect(page.get_by_role("alert")).to_contain_text("Spring sale is sent back with your comment.")
    expect(page.locator("#sent-back")).to_contain_text("Say the shop's opening hours.")
    save_screenshot("approval-3-sent-back")

    log_in(page, live_server, erin, "/")
    expect(page.locator("#waiting-for-approval")).to_contain_text("Sent back to me")
    expect(page.locator("#waiting-for-approval")).to_contain_text("Say the shop's opening hours.")
    page.locator("#waiting-for-approval").get_by_role("link", name="Spring sale").click()
    expect(page.locator("#sent-back")).to_contain_text("Sent back by Alex")
    expect(page.locator("#sent-back")).to_contain_text("Say the shop's opening hours.")
    save_screenshot("approval-4-author-sees-comment")
    page.get_by_role("link", name="2. Message").click()  # the fix, on the step that holds the message
    page.get_by_label("Text to speak").fill("Hello! We are open from 9 to 5.")
    page.get_by_role("button", name="6. Review").click()
    expect(page.locator("#review-message")).to_contain_text("Hello! We are open from 9 to 5.")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.locator("#approval-state")).to_contain_text("asked by you")
    save_screenshot("approval-5-asked-again")

    log_in(page, live_server, alex, "/")
    page.locator("#waiting-for-approval").get_by_role("link", name="Spring sale").click()
    expect(page.locator("#review-message")).to_contain_text("Hello! We are open from 9 to 5.")
    page.get_by_role("button", name="Approve and launch").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/$"))  # its page, where the calls are followed
    expect(page.get_by_role("alert")).to_have_text("Approved and launched: Spring sale is queued for sending.")
    save_screenshot("approval-6-approved")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUBMITTED
    sends = [r for r in simulator.requests if r["path"].endswith("voice/group/call/send")]
    assert len(sends) == 1 and sends[0]["body"]["text"] == "Hello! We are open from 9 to 5."

    # The campaign page's activity log: who did what, in order.
    rows = page.locator("#campaign-activity tbody tr")
    expect(rows).to_have_count(7)
    lines = [[cell.strip() for cell in row.locator("td").all_inner_texts()][1:] for row in rows.all()]
    assert lines == [
        ["Erin", "Created", ""],
        ["Erin", "Asked for approval", ""],
        ["Alex", "Sent back", "Say the shop's opening hours."],
        ["Erin", "Edited", ""],
        ["Erin", "Asked for approval", ""],
        ["Alex", "Approved", ""],
        ["Alex", "Launched", ""],
    ]


def test_a_test_call_shows_its_outcome_on_the_review(page, live_server, simulator, push, save_screenshot):
    alex = approver(username="alex", first_name="Alex")
    StaffProfile.objects.create(user=alex, phone_number="34612345679")
    campaign = CampaignFactory(task_name="Spring sale")
    log_in(page, live_server, alex, f"/campaigns/{campaign.pk}/edit/review/")
    page.get_by_label("With the texts of").select_option(index=1)
    save_screenshot("test-call-1-form")
    page.get_by_role("button", name="Call me first").click()
    expect(page.locator("#test-call-notice")).to_contain_text("Calling you now as Spring sale test 1.")
    expect(page.locator("#test-call-status")).to_contain_text("should ring in a moment")
    save_screenshot("test-call-2-ringing")
    test = campaign.test_calls.get()
    simulator.finish(test.task_name)
    push(simulator.push_reports(simulator.tasks[test.task_name]["key_id"]))
    outcome = test.call_records.model.objects.get(callee_number="34612345679").get_outcome_display()
    expect(page.locator("#test-call-status")).to_contain_text(outcome, timeout=10_000)
    save_screenshot("test-call-3-outcome")
    assert [e.what for e in CampaignEvent.objects.filter(campaign=campaign)] == [CampaignEvent.What.TEST_CALLED]
    assert User.objects.count() == 1
