"""The campaign builder in Chromium: an approver goes from a list to a launched campaign, step by step."""
import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Callee, Campaign, StaffProfile, Submission, SuppressedNumber
from tests.e2e.test_content_security_policy import Browser
from tests.e2e.test_studio import log_in
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory, SmsTemplateFactory
from tests.studio.factories import approver


def step_title(page):
    return page.locator("#step-title")


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_an_approver_builds_a_campaign_fixes_a_mistake_on_its_step_and_launches_it(
        page, live_server, simulator, save_screenshot):
    alex = approver(first_name="Alex")
    customers = CalleeListFactory(name="Spring customers", text_names={"text1": "Name"})
    for number, name in (("8613800000001", "Ana"), ("8613800000002", "Ben"), ("8613800000003", "Chen")):
        CalleeFactory(callee_list=customers, number=number, text1=name)
    SuppressedNumber.objects.create(number="8613800000003", reason="asked not to be called")
    log_in(page, live_server, alex)

    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Task name").fill("Spring sale")
    page.get_by_label("Callee list").select_option(label="Spring customers")
    expect(page.locator("#audience-counts")).to_contain_text(
        "3 numbers in this list; 1 is on the do-not-call list and will not be called.")
    page.get_by_label("Voice app ID").fill("voiceApp1")
    save_screenshot("builder-1-audience")
    page.get_by_role("button", name="Create the draft and go on").click()

    expect(step_title(page)).to_have_text("Message")
    campaign = Campaign.objects.get(task_name="Spring sale")
    assert (campaign.status, campaign.callee_list, campaign.created_by) == (Campaign.Status.DRAFT, customers, alex)
    # Text-to-speech is the default, in English by name; the accents are those of English.
    expect(page.get_by_label("Text-to-speech")).to_be_checked()
    expect(page.get_by_label("Language", exact=True)).to_have_value("EN")
    page.get_by_label("Accent", exact=True).select_option(label="United Kingdom")
    page.get_by_label("Send a hang-up SMS after each call").check()
    page.get_by_label("Put answered calls through to your agents").check()
    page.get_by_role("button", name="Next").click()

    # Nothing to say: the step says so on its own field, and keeps what was chosen.
    error = page.locator("#div_id_tts_text .invalid-feedback")
    expect(error).to_have_text("Text to speak is required for text-to-speech.")
    expect(page.get_by_label("Accent", exact=True)).to_have_value("44")
    save_screenshot("builder-2-message-error")
    page.get_by_label("Text to speak").fill("Hello, our spring sale starts today.")
    expect(page.locator("#tts-counter")).to_have_text("36 / 1000 characters")
    save_screenshot("builder-2-message")
    page.get_by_role("button", name="Next").click()

    expect(step_title(page)).to_have_text("Hang-up SMS")
    page.get_by_label("SMS text").fill("Hi ${text1}, the sale is on: 20% off €50+")
    expect(page.locator("#sms-filled")).to_have_text("Hi Ana, the sale is on: 20% off €50+")
    expect(page.locator("#sms-count")).to_contain_text("37 characters (GSM-7) · 1 SMS")
    page.get_by_label("Preview for").select_option(label="8613800000002 · text1 (Name): Ben")
    expect(page.locator("#sms-filled")).to_have_text("Hi Ben, the sale is on: 20% off €50+")
    page.get_by_label("SMS app ID").fill("smsApp01")
    page.get_by_label("SMS after a failed call").check()
    save_screenshot("builder-3-sms")
    page.get_by_role("button", name="Next").click()

    expect(step_title(page)).to_have_text("Schedule")
    expect(page.get_by_label("As soon as it is launched")).to_be_checked()
    save_screenshot("builder-4-schedule")
    page.get_by_role("button", name="Next").click()

    expect(step_title(page)).to_have_text("Agents")
    expect(page.locator("#fixed-outbound_control")).to_contain_text("Proportional")  # one option: not asked
    page.get_by_label("Agent group ID").fill("12")
    page.get_by_label("Calls per agent").fill("2")
    page.get_by_label("After the message has played").check()
    save_screenshot("builder-5-agents")
    page.get_by_role("button", name="Back").click()

    # Back keeps everything: the schedule, then the agents as typed.
    expect(step_title(page)).to_have_text("Schedule")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Agent group ID")).to_have_value("12")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Spring sale")).to_be_visible()
    expect(page.locator("#review-callees")).to_have_text(
        "2 numbers from “Spring customers” (1 on the do-not-call list left out)")
    expect(page.locator("#review-sms")).to_contain_text("The first callee gets: “Hi Ana, the sale is on: 20% off €50+”")
    expect(page.locator("#review-agents")).to_have_text("Agent group 12, after the message has played")
    expect(page.locator("#problems")).to_have_count(0)
    save_screenshot("builder-6-review")
    page.get_by_role("button", name="Launch").click()

    page.wait_for_url(re.compile(rf"/campaigns/{campaign.pk}/$"))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUBMITTED
    assert Submission.objects.filter(campaign=campaign).count() == 1
    sent = [r["body"] for r in simulator.requests if r["path"] == "voice/group/call/send"]
    assert len(sent) == 1
    body = sent[0]
    assert [c["calleeNumber"] for c in body["numberInfoList"]] == ["8613800000001", "8613800000002"]
    assert (body["lan"], body["accent"], body["text"]) == ("EN", "44", "Hello, our spring sale starts today.")
    assert (body["hangUpSms"], body["smsContent"], body["failedPush"], body["successPush"]) == (
        1, "Hi ${text1}, the sale is on: 20% off €50+", 1, 0)
    assert (body["toSeat"], body["sipGroupId"], body["outboundControl"], body["toSeatType"]) == (1, 12, 1, 1)


@pytest.mark.browser_context_args(timezone_id="Europe/Madrid")
def test_a_window_past_midnight_in_laaffics_zone_is_sent_as_two_and_a_fourth_is_refused(
        page, live_server, save_screenshot, settings):
    settings.LAAFFIC_TIME_ZONE = "Asia/Shanghai"
    alex = approver()
    StaffProfile.objects.create(user=alex, time_zone="Europe/Madrid")
    campaign = CampaignFactory(task_name="Evening calls")
    log_in(page, live_server, alex)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/schedule/")

    # 14:00-20:00 in Madrid (winter, UTC+1) is 21:00-03:00 in Shanghai (UTC+8): past midnight there.
    page.get_by_label("Window 1 from").fill("14:00")
    page.get_by_label("Window 1 until").fill("20:00")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Next").click()

    expect(step_title(page)).to_have_text("Schedule")
    expect(page.locator(".window-note")).to_have_text(
        "Your window 14:00–20:00 (Europe/Madrid) is 21:00–03:00 in Laaffic's zone (Asia/Shanghai), past "
        "midnight there, so it is sent as two windows: 21:00–23:59 and 00:00–03:00.")
    campaign.refresh_from_db()
    assert campaign.calling_windows == [{"start": "21:00", "end": "23:59"}, {"start": "00:00", "end": "03:00"}]
    expect(page.get_by_label("Window 1 from")).to_have_value("14:00")  # shown as typed, in one piece
    expect(page.get_by_label("Window 1 until")).to_have_value("20:00")
    expect(page.locator("#windows-there")).to_have_text(
        "Sent to Laaffic in its zone (Asia/Shanghai) as 21:00–23:59, 00:00–03:00.")
    save_screenshot("builder-schedule-midnight")

    page.get_by_label("Window 2 from").fill("02:00")
    page.get_by_label("Window 2 until").fill("04:00")
    page.get_by_label("Window 3 from").fill("05:00")
    page.get_by_label("Window 3 until").fill("06:00")
    page.get_by_role("button", name="Next").click()

    error = page.locator("#div_id_window_1_start .invalid-feedback")
    expect(error).to_contain_text("that makes 4 windows and Laaffic takes at most 3")
    save_screenshot("builder-schedule-four-windows")
    campaign.refresh_from_db()
    assert len(campaign.calling_windows) == 2  # nothing refused was stored


class Clicks:
    """Counts the clicks a person makes (typing and picking from a list are not clicks)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_from_a_list_to_launched_takes_four_clicks_without_sms_or_agents(page, live_server, simulator, settings):
    settings.LAAFFIC_APP_ID = "voiceApp1"
    customers = CalleeListFactory(name="Autumn customers")
    CalleeFactory(callee_list=customers, number="8613800000011")
    log_in(page, live_server, approver())
    page.goto(f"{live_server.url}/campaigns/new/?list={customers.pk}")  # the list's "Build a campaign" link
    clicks = Clicks(page)

    expect(page.get_by_label("Callee list")).to_have_value(str(customers.pk))
    page.get_by_label("Task name").fill("Autumn sale")
    page.get_by_label("Task name").press("Enter")  # Enter goes forward, as Next does (no click)
    expect(step_title(page)).to_have_text("Message")
    page.get_by_label("Text to speak").fill("Hello, our autumn sale starts today.")
    clicks.click(page.get_by_role("button", name="Next"))
    expect(step_title(page)).to_have_text("Schedule")  # the SMS step is off: skipped
    clicks.click(page.get_by_role("button", name="Next"))
    expect(page.locator("#review-callees")).to_have_text("1 number from “Autumn customers”")
    clicks.click(page.get_by_role("button", name="Launch"))

    page.wait_for_url(re.compile(r"/campaigns/[0-9]+/$"))
    assert clicks.count == 3  # and one click on the list's link: four from the list
    assert [r["body"]["taskName"] for r in simulator.requests if r["path"] == "voice/group/call/send"] == [
        "Autumn sale"]


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_a_recording_is_uploaded_on_the_message_step_and_a_start_is_shown_in_both_zones(
        page, live_server, save_screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    recording = tmp_path / "greeting.wav"
    recording.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00" + b"\x00" * 64)
    campaign = CampaignFactory(task_name="Recorded calls")
    log_in(page, live_server, approver())
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/message/")

    page.get_by_text("Recorded file already on Laaffic").click()
    expect(page.get_by_label("Text to speak")).to_have_count(0)  # only what the choice needs
    page.get_by_label("Or upload a recording").set_input_files(recording)
    save_screenshot("builder-2-message-recording")
    page.get_by_role("button", name="Next").click()

    expect(step_title(page)).to_have_text("Schedule")
    campaign.refresh_from_db()
    assert campaign.voice_file.name == "greeting.wav"
    page.get_by_text("At a date and time").click()
    page.get_by_label("Date", exact=True).fill("2030-06-21")
    page.get_by_label("Time", exact=True).fill("09:30")
    expect(page.locator("#start-there")).to_have_text("That is 2030-06-21 17:30 in Laaffic's zone (Asia/Shanghai).")
    save_screenshot("builder-4-schedule-later")
    page.get_by_role("button", name="Next").click()

    expect(page.locator("#review-start")).to_have_text(
        "2030-06-21 09:30 your time (UTC) = 2030-06-21 17:30 in Asia/Shanghai")
    expect(page.locator("#review-message")).to_contain_text("Recorded file already on Laaffic: greeting.wav")


def test_no_step_of_the_builder_breaks_the_content_security_policy(page, live_server):
    """Every step, its htmx re-renders and the review, with nothing refused by the policy."""
    campaign = CampaignFactory(task_name="Policy check", hang_up_sms=1, to_agents=1)
    log_in(page, live_server, approver())
    browser = Browser(page)

    browser.visit(f"{live_server.url}/campaigns/new/")
    page.get_by_label("Callee list").select_option(label=campaign.callee_list.name)
    expect(page.locator("#callee-count")).to_have_text("3 numbers")
    browser.look("the counts of the list picked")
    for step in ("audience", "message", "sms", "schedule", "agents", "review"):
        browser.visit(f"{live_server.url}/campaigns/{campaign.pk}/edit/{step}/")
    browser.visit(f"{live_server.url}/campaigns/{campaign.pk}/edit/message/")
    page.get_by_label("Language", exact=True).select_option(label="Other code…")
    expect(page.get_by_label("Language code")).to_be_visible()
    page.get_by_label("Text to speak").fill("Hello")
    expect(page.locator("#tts-counter")).to_have_text("5 / 1000 characters")
    browser.look("the message step re-rendered by htmx")
    browser.visit(f"{live_server.url}/campaigns/{campaign.pk}/edit/sms/")
    page.get_by_label("SMS text").fill("Hi ${text1}")
    expect(page.locator("#sms-filled")).to_contain_text("Hi Name")
    browser.look("the SMS preview")

    assert page.locator("style").count() == 0
    assert not browser.refused, "\n".join(f"{what}: {line}" for what, lines in browser.refused.items()
                                          for line in lines)


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_the_review_of_a_long_list_names_a_callee_missing_a_text_and_shows_the_request_shortened(
        page, live_server, save_screenshot):
    campaign = CampaignFactory(task_name="Long list", callees=0, hang_up_sms=1, sms_on_ring=1,
                               sms_template=SmsTemplateFactory(content="Hi ${text1}, see you soon."))
    Callee.objects.bulk_create(Callee(callee_list=campaign.callee_list, number=f"86138{i:08d}",
                                      text1="" if i == 40 else f"Name {i}") for i in range(2000))
    log_in(page, live_server, approver())

    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/review/")

    expect(page.get_by_text("Text 1 is empty for 8613800000040, but the SMS text uses ${text1}; fill it in."))\
        .to_be_visible()
    page.get_by_text("The request that will be sent to Laaffic").click()
    expect(page.get_by_text("Shortened here: it shows the first 3 callees; all 2,000 are sent.")).to_be_visible()
    expect(page.locator("pre.request-body")).to_contain_text("… and 1,997 more callees")
    save_screenshot("builder-review-long-list")
