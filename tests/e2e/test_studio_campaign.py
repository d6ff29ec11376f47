"""A campaign's studio page in Chromium, against the simulator over real HTTP: its status in words
follows Laaffic without a reload, an approver cancels it, results and exports once it has finished."""
import csv
import io
import re
import time

import pytest
from django.db import transaction
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import CallRecord, Campaign, ImportJob, ProviderStatus
from campaigns.services.campaigns import campaign_queue, campaign_submit
from campaigns.services.tracking import campaign_backfill, campaign_sync
from tests.e2e.test_content_security_policy import Browser, site_data  # noqa: F401 (a fixture)
from tests.e2e.test_studio import log_in
from tests.factories import CampaignFactory
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.browser_context_args(timezone_id="UTC")


def launched(task_name, callees=10):
    campaign = CampaignFactory(task_name=task_name, callees=callees)
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Campaign.Status.SUBMITTED
    campaign_sync(Campaign.objects.get(pk=campaign.pk))
    return Campaign.objects.get(pk=campaign.pk)


def synced_once_calling(campaign) -> int:
    """Sync as the beat job does until some of the calls are made (not all): how many are."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        campaign_sync(Campaign.objects.get(pk=campaign.pk))
        called = Campaign.objects.get(pk=campaign.pk).numbers_called or 0
        if called:
            assert called < 10, "the simulator made every call before the page saw one"
            return called
        time.sleep(0.5)
    raise AssertionError("the simulator made no call in 15 seconds")


def test_the_status_follows_laaffic_without_a_reload_then_the_results_appear(page, live_server, simulator,
                                                                             save_screenshot):
    campaign = launched("Winter calls")
    log_in(page, live_server, approver(first_name="Alex"))
    page.goto(live_server.url + reverse("studio:campaign", args=[campaign.pk]))
    status = page.locator("#status")
    expect(status).to_contain_text("of 10 called")
    expect(page.locator("#cancel")).to_be_visible()
    page.evaluate("window.notReloaded = true")  # gone if the page were loaded again

    called = synced_once_calling(campaign)  # the simulator makes its 10 calls over 20 seconds
    expect(status).to_have_text(f"Calling – {called} of 10 called", timeout=10_000)
    expect(page.locator("#counts")).to_contain_text(f"{called} of 10 numbers called")
    assert page.evaluate("window.notReloaded") is True
    save_screenshot("studio-campaign-calling")

    simulator.finish(campaign.task_name)
    with transaction.atomic():  # what the beat job does once it sees the end, seen by the page at once
        campaign_sync(Campaign.objects.get(pk=campaign.pk))
        campaign_backfill(Campaign.objects.get(pk=campaign.pk))
    done = Campaign.objects.get(pk=campaign.pk)
    rate = round(100 * done.numbers_success / 10)
    # A new state changes what the page offers: it is loaded again, with the results.
    expect(status).to_have_text(f"Finished – {rate}% answered", timeout=10_000)
    expect(page.locator("#cancel")).to_have_count(0)
    expect(page.locator("#call-again")).to_be_visible()
    results = page.locator("#results")
    expect(results.locator("#calls-reported")).to_have_text("10")
    expect(results.get_by_role("img", name="Outcome of each call")).to_be_visible()
    save_screenshot("studio-campaign-finished")

    answered = CallRecord.objects.filter(campaign=done, outcome=CallRecord.Outcome.ANSWERED).count()
    results.get_by_role("link", name="answered", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?outcome=answered"))
    expect(page.locator("#calls-table tbody tr")).to_have_count(answered)
    with page.expect_download() as download:
        page.locator("#export-results").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 11 and rows[0][0] == "calleeNumber"
    assert sum(row[11] == "Answered" for row in rows[1:]) == answered

    page.locator("#call-again").click()
    expect(page.get_by_role("heading", name="Call Winter calls again?")).to_be_visible()
    save_screenshot("studio-campaign-call-again")


def test_an_approver_cancels_after_confirming(page, live_server, simulator, save_screenshot):
    campaign = launched("Spring calls")
    log_in(page, live_server, approver(first_name="Alex"))
    page.goto(live_server.url + reverse("studio:campaign", args=[campaign.pk]))

    page.locator("#cancel").click()
    expect(page.get_by_role("heading", name="Cancel the calls of Spring calls?")).to_be_visible()
    save_screenshot("studio-campaign-cancel")
    assert not [r for r in simulator.requests if r["path"].endswith("group/call/cancel")]
    page.get_by_role("button", name="Yes, cancel the calls").click()

    expect(page.get_by_role("alert")).to_contain_text("Spring calls is cancelled.")
    expect(page.locator("#status")).to_contain_text("Cancelled")
    expect(page.locator("#cancel")).to_have_count(0)
    assert Campaign.objects.get(pk=campaign.pk).provider_status == ProviderStatus.CANCELLED
    save_screenshot("studio-campaign-cancelled")


def test_an_editor_follows_the_campaigns_from_home_without_cancel(page, live_server, simulator, save_screenshot):
    calling = launched("Autumn calls")
    draft = CampaignFactory(task_name="Needs a message", tts_text="")
    ImportJob.objects.create(callee_list=draft.callee_list, original_name="customers.csv", encoding="utf-8",
                             delimiter=",", status=ImportJob.Status.DONE, imported=1_200, rejected=3)
    log_in(page, live_server, editor(first_name="Erin"))
    expect(page.locator("#drafts")).to_contain_text("Draft – 1 thing to fix")
    expect(page.locator("#running")).to_contain_text("Autumn calls")
    expect(page.locator("#imports")).to_contain_text("1,200 imported, 3 rejected")
    save_screenshot("studio-home")
    Campaign.objects.filter(pk=calling.pk).update(  # what the beat job's sync writes
        provider_status=ProviderStatus.CALLING, numbers_total=10, numbers_called=7, progress=70)
    expect(page.locator("#running")).to_contain_text("Calling – 7 of 10 called", timeout=10_000)
    expect(page.locator("#running progress")).to_have_js_property("value", 70)

    page.get_by_role("link", name="Campaigns", exact=True).click()
    expect(page.locator("#campaigns-table")).to_contain_text("Needs a message")
    page.get_by_label("State").select_option("draft")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#campaigns-table tbody tr")).to_have_count(1)
    save_screenshot("studio-campaigns")

    page.goto(live_server.url + reverse("studio:campaign", args=[draft.pk]))
    expect(page.locator("#problems")).to_contain_text("What to fix before it can be launched")
    save_screenshot("studio-campaign-draft")
    page.goto(live_server.url + reverse("studio:campaign", args=[calling.pk]))
    expect(page.locator("#status")).to_be_visible()
    expect(page.locator("#cancel")).to_have_count(0)
    expect(page.locator("#approvers-only")).to_be_visible()
    save_screenshot("studio-campaign-editor")


def test_the_campaign_pages_keep_to_the_content_security_policy(page, live_server, site_data):
    """Every campaign page, its charts and its htmx polling, under the strict policy."""
    browser = Browser(page)
    log_in(page, live_server, approver(first_name="Alex"))
    campaigns = {c.task_name: c.pk for c in Campaign.objects.all()}
    urls = [reverse("studio:home"), reverse("studio:campaigns"), reverse("studio:campaigns") + "?state=calling"]
    for pk in campaigns.values():
        urls += [reverse(name, args=[pk]) for name in ("studio:campaign", "studio:campaign_cancel",
                                                       "studio:campaign_call_again")]
    for url in urls:
        browser.visit(live_server.url + url)
    browser.visit(live_server.url + reverse("studio:campaign", args=[campaigns["Winter sale"]]))
    with page.expect_response(lambda response: "/live/" in response.url):  # one round of polling
        pass
    browser.look("the running campaign's page after polling")
    assert page.locator("style").count() == 0
    assert not browser.refused, "\n".join(f"{what}: {line}" for what, lines in browser.refused.items()
                                          for line in lines)
