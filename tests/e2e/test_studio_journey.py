"""The studio's whole journey in Chromium, against the simulator over real HTTP: an approver with a CSV imports it
into a new list, builds a campaign (a mistake refused and fixed on its own step), launches it, watches it call
without reloading the page, then reads its results. From "I have a CSV" to "launched" takes at most 10 clicks.
And an editor, on the same review, is offered Ask for approval and no Launch."""
import re
import time

import pytest
from django.db import transaction
from playwright.sync_api import expect

from campaigns.models import CallRecord, Campaign, CampaignEvent, ImportJob
from campaigns.services.tracking import campaign_backfill, campaign_sync
from tests.e2e.test_studio import log_in
from tests.factories import CampaignFactory
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.browser_context_args(timezone_id="UTC")

NUMBERS = [f"86138000000{n:02d}" for n in range(1, 7)]
CRM_EXPORT = "Phone;Name\n" + "".join(f"{number};{name}\n" for number, name in zip(
    NUMBERS, ["Ana", "Ben", "Chen", "Dana", "Eve", "Farid"])) + "call me;Bob\n"


class Clicks:
    """The clicks a person makes: clicking a link, a button, a radio or a checkbox, one each. Typing in a field,
    picking from a drop-down and choosing a file are not clicks, and neither is looking at a page."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()


def step_title(page):
    return page.locator("#step-title")


def synced_until_called(campaign, more_than, total) -> int:
    """Sync as the beat job does until the simulator has made more than `more_than` calls, not all: how many."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        campaign_sync(Campaign.objects.get(pk=campaign.pk))
        called = Campaign.objects.get(pk=campaign.pk).numbers_called or 0
        if called > more_than:
            assert called < total, "the simulator made every call before the page saw one"
            return called
        time.sleep(0.25)
    raise AssertionError(f"the simulator made no more than {more_than} calls in 20 seconds")


def test_an_approver_goes_from_a_csv_to_launched_in_ten_clicks_then_follows_it_to_its_results(
        page, live_server, simulator, settings, tmp_path, save_screenshot):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LAAFFIC_APP_ID = "voiceApp1"  # the operator's default voice app: the audience step offers it
    export = tmp_path / "spring customers.csv"
    export.write_text(CRM_EXPORT, encoding="utf-8")
    alex = approver(first_name="Alex")
    log_in(page, live_server, alex)  # Home: the person has a CSV from here on
    clicks = Clicks()
    save_screenshot("journey-01-home")

    # The list and its import: new list -> upload -> preview -> confirm -> summary.
    clicks.click(page.get_by_role("link", name="Import a CSV into a new list"))
    page.get_by_label("Name").fill("Spring customers")
    save_screenshot("journey-02-new-list")
    clicks.click(page.get_by_role("button", name="Create the list and import a file"))
    page.get_by_label("CSV file").set_input_files(export)
    save_screenshot("journey-03-upload")
    clicks.click(page.get_by_role("button", name="Upload and preview"))
    expect(page.locator("#to-import")).to_have_text("6")
    expect(page.locator("#rejected")).to_have_text("1")
    page.get_by_label("text1", exact=True).select_option(label="2: Name")
    expect(page.locator("#preview-rows tbody tr").first).to_contain_text("Ana")
    save_screenshot("journey-04-preview")
    clicks.click(page.get_by_role("button", name="Import 6 rows"))
    expect(page.get_by_role("heading", name="The import is done")).to_be_visible()
    expect(page.locator("#imported")).to_have_text("6")
    expect(page.locator("#text-names")).to_have_text("The texts are named after the file's columns: text1 (Name).")
    save_screenshot("journey-05-import-summary")
    callee_list = ImportJob.objects.get().callee_list

    # The builder, from the summary: the list is already picked.
    clicks.click(page.get_by_role("link", name="Build a campaign with this list"))
    expect(page.get_by_label("Callee list")).to_have_value(str(callee_list.pk))
    expect(page.locator("#audience-counts")).to_contain_text("6 numbers in this list")
    page.get_by_label("Task name").fill("Spring sale")
    save_screenshot("journey-06-audience")
    clicks.click(page.get_by_role("button", name="Create the draft and go on"))

    expect(step_title(page)).to_have_text("Message")
    expect(page.get_by_label("Text-to-speech")).to_be_checked()
    clicks.click(page.get_by_role("button", name="Next"))  # nothing to say yet: refused on this step
    expect(step_title(page)).to_have_text("Message")
    expect(page.locator("#div_id_tts_text .invalid-feedback")).to_have_text(
        "Text to speak is required for text-to-speech.")
    save_screenshot("journey-07-message-refused")
    page.get_by_label("Text to speak").fill("Hello ${text1}, our spring sale starts today.")
    save_screenshot("journey-08-message")
    clicks.click(page.get_by_role("button", name="Next"))

    expect(step_title(page)).to_have_text("Schedule")  # no SMS, no agents: their steps are skipped
    expect(page.get_by_label("As soon as it is launched")).to_be_checked()
    save_screenshot("journey-09-schedule")
    clicks.click(page.get_by_role("button", name="Next"))

    expect(page.locator("#review-callees")).to_have_text("6 numbers from “Spring customers”")
    expect(page.locator("#review-message")).to_contain_text("Hello ${text1}, our spring sale starts today.")
    expect(page.locator("#review-sms")).to_have_text("None")
    expect(page.locator("#review-agents")).to_have_text("None")
    expect(page.locator("#problems")).to_have_count(0)
    save_screenshot("journey-10-review")
    clicks.click(page.get_by_role("button", name="Launch"))

    # Launched: 10 clicks from Home with a CSV, the refused Next included.
    campaign = Campaign.objects.get(task_name="Spring sale")
    page.wait_for_url(re.compile(rf"/campaigns/{campaign.pk}/$"))
    assert clicks.count <= 10, f"{clicks.count} clicks from a CSV to launched"
    expect(page.get_by_role("alert")).to_contain_text("“Spring sale” is launched")
    sent = [r["body"] for r in simulator.requests if r["path"] == "voice/group/call/send"]
    assert len(sent) == 1
    assert [(c["calleeNumber"], c["text1"]) for c in sent[0]["numberInfoList"]] == list(zip(
        NUMBERS, ["Ana", "Ben", "Chen", "Dana", "Eve", "Farid"]))
    assert (sent[0]["taskName"], sent[0]["appId"]) == ("Spring sale", "voiceApp1")
    save_screenshot("journey-11-launched")

    # Live progress: the simulator calls over 20 seconds. Laaffic's first report changes the state (the page is
    # loaded again, as what it offers changes); then the counts follow each sync without a reload.
    status = page.locator("#status")
    expect(status).to_have_text("Launched – waiting for Laaffic's first report")
    campaign_sync(Campaign.objects.get(pk=campaign.pk))
    first = Campaign.objects.get(pk=campaign.pk).numbers_called or 0
    expect(status).to_have_text(f"Calling – {first} of 6 called", timeout=10_000)
    page.evaluate("window.notReloaded = true")  # gone if the page were loaded again
    called = synced_until_called(campaign, first, 6)
    expect(status).to_have_text(f"Calling – {called} of 6 called", timeout=10_000)
    expect(page.locator("#counts")).to_contain_text(f"{called} of 6 numbers called")
    assert page.evaluate("window.notReloaded") is True
    save_screenshot("journey-12-calling")

    # The end, as the beat job sees it: the page turns into the results.
    simulator.finish(campaign.task_name)
    with transaction.atomic():
        campaign_sync(Campaign.objects.get(pk=campaign.pk))
        campaign_backfill(Campaign.objects.get(pk=campaign.pk))
    done = Campaign.objects.get(pk=campaign.pk)
    expect(status).to_have_text(f"Finished – {100 * done.numbers_success / 6:.0f}% answered", timeout=10_000)
    answered = CallRecord.objects.filter(campaign=campaign, outcome=CallRecord.Outcome.ANSWERED).count()
    results = page.locator("#results")
    expect(results.locator("#calls-reported")).to_have_text("6")
    expect(results.locator("#answer-rate")).to_have_text(f"{100 * answered / 6:.1f}%")
    expect(results.get_by_role("img", name="Outcome of each call")).to_be_visible()
    expect(page.locator("#calls-table tbody tr")).to_have_count(6)
    expect(page.locator("#calls-table thead")).to_contain_text("text1 (Name)")
    save_screenshot("journey-13-results")
    assert [e.what for e in CampaignEvent.objects.filter(campaign=campaign).order_by("at", "id")] == [
        CampaignEvent.What.CREATED, CampaignEvent.What.EDITED, CampaignEvent.What.LAUNCHED]


def test_an_editor_is_offered_ask_for_approval_on_the_review_and_no_launch(page, live_server, save_screenshot):
    approver(first_name="Alex")
    campaign = CampaignFactory(task_name="Spring sale")
    log_in(page, live_server, editor(first_name="Erin"))
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/review/")

    expect(page.locator("#problems")).to_have_count(0)  # ready: an approver could launch it
    expect(page.get_by_role("button", name="Ask for approval")).to_be_visible()
    expect(page.locator("#launched-by")).to_have_text("An approver launches campaigns: Alex.")
    expect(page.get_by_role("button", name=re.compile("Launch"))).to_have_count(0)
    save_screenshot("journey-editor-review")
