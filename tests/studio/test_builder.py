"""The campaign builder (campaigns/studio/views/builder.py): a draft saved at every step, each problem on
the step that fixes it, calling windows past midnight, and Launch exactly once for approvers."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import rules
from campaigns.models import Campaign, SmsTemplate, StaffProfile, Submission, SuppressedNumber, VoiceFile
from campaigns.studio import builder
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory, SmsTemplateFactory
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.django_db
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00" + b"\x00" * 64
SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_for(user, zone=""):
    if zone:
        StaffProfile.objects.create(user=user, time_zone=zone)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alex():
    return client_for(approver(), zone="Asia/Shanghai")  # the same zone as Laaffic's: windows read as typed


@pytest.fixture
def campaign():
    return CampaignFactory(task_name="Spring sale")


def url(campaign, step):
    return reverse("studio:campaign_step", args=[campaign.pk, step])


def post_step(client, campaign, step, values, goto="next", files=None):
    """Post a step as its page would once the choices in `values` are made: every field it shows, as typed."""
    page = client.get(url(campaign, step))
    shown = page.context["form"].fields
    data = {"_shown": ",".join([*shown, *values, *(files or {})]), "goto": goto, **values}
    for name in shown:
        if name not in data and name not in (files or {}):
            value = page.context["form"][name].value()
            if value not in (None, False):
                data[name] = "" if value is True else value
    return client.post(url(campaign, step), {**data, **(files or {})})


def errors(response, field):
    return response.context["form"].errors.get(field, [])


# Creating the draft

def test_a_new_campaign_is_a_draft_made_from_a_task_name_and_a_list(alex, settings):
    settings.LAAFFIC_APP_ID = "voiceApp1"
    customers = CalleeListFactory(name="Spring customers")
    CalleeFactory(callee_list=customers)

    page = alex.get(reverse("studio:campaign_new") + f"?list={customers.pk}")
    assert page.context["form"]["callee_list"].value() == customers.pk
    assert page.context["form"]["app_id"].value() == "voiceApp1"
    assert "<summary class=\"mb-2\">Laaffic voice app: voiceApp1 (the site&#x27;s)</summary>" in page.content.decode()
    response = alex.post(reverse("studio:campaign_new"), {
        "_shown": "task_name,callee_list,display_number,app_id", "task_name": "Spring sale",
        "callee_list": customers.pk, "display_number": "", "app_id": "voiceApp1"})

    campaign = Campaign.objects.get(task_name="Spring sale")
    assert response.status_code == 302 and response["Location"] == url(campaign, "message")
    assert (campaign.status, campaign.callee_list, campaign.app_id) == (Campaign.Status.DRAFT, customers, "voiceApp1")
    assert campaign.source == rules.Source.TEXT_TO_SPEECH and campaign.loop_count == 1  # the table's defaults


def test_a_task_name_in_use_is_refused_on_its_field_and_nothing_is_made(alex, campaign):
    response = alex.post(reverse("studio:campaign_new"), {
        "_shown": "task_name,callee_list,app_id", "task_name": "Spring sale",
        "callee_list": campaign.callee_list.pk, "app_id": "voiceApp1"})

    assert response.status_code == 200
    assert errors(response, "task_name") == [rules.task_name_taken_message("Spring sale")]
    assert Campaign.objects.count() == 1


def test_what_is_missing_on_the_first_step_is_named(alex):
    response = alex.post(reverse("studio:campaign_new"), {"_shown": "task_name,callee_list,app_id"})

    assert errors(response, "task_name") == ["Task name is required."]
    assert errors(response, "callee_list") == ["Pick the list of numbers to call."]
    assert not Campaign.objects.exists()


def test_a_recording_is_asked_for_where_it_is_given(alex, campaign):
    response = post_step(alex, campaign, "message", {"source": str(rules.Source.VOICE_FILE)})

    assert errors(response, "upload_audio") == ["Pick a recording, or upload one."]


def test_the_audience_step_counts_the_list_and_its_do_not_call_numbers(alex, campaign):
    SuppressedNumber.objects.create(number=campaign.callee_list.callees.first().number)

    page = alex.get(reverse("studio:campaign_audience_counts"), {"callee_list": campaign.callee_list.pk})
    assert page.context["counts"] == (3, 1)
    assert "3 numbers" in page.content.decode() and "1 is on the do-not-call list" in page.content.decode()
    assert alex.get(reverse("studio:campaign_audience_counts"), {"callee_list": "1' OR 1=1"}).context["counts"] is None


# Each step's problems, on that step

def test_a_message_without_text_is_refused_on_the_message_step_and_nowhere_else(alex, campaign):
    response = post_step(alex, campaign, "message", {"tts_text": ""})

    assert response.status_code == 200  # Next waits until the step is right
    assert errors(response, "tts_text") == ["Text to speak is required for text-to-speech."]
    schedule = post_step(alex, campaign, "schedule", {})
    assert schedule.status_code == 302 and schedule["Location"] == url(campaign, "review")


def test_an_sms_without_trigger_is_refused_on_the_sms_step(alex, campaign):
    post_step(alex, campaign, "message", {"hang_up_sms": "on"})
    response = post_step(alex, campaign, "sms", {"hang_up_sms": "on", "sms_mode": "write", "sms_app_id": "smsApp01",
                                                 "sms_content": "Hi ${text1}"})

    assert response.status_code == 200
    assert errors(response, "hang_up_sms") == [
        "A hang-up SMS needs at least one trigger: key press, answered call, failed call or ringing."]
    campaign.refresh_from_db()
    assert campaign.sms_template.content == "Hi ${text1}"  # what was valid is saved all the same
    assert campaign.sms_template.name == "Spring sale SMS"


def test_a_callee_without_the_text_the_sms_uses_is_named_by_number_on_the_sms_step(alex, campaign):
    callee = campaign.callee_list.callees.last()
    callee.text1 = ""
    callee.save()
    post_step(alex, campaign, "message", {"hang_up_sms": "on"})

    response = post_step(alex, campaign, "sms", {"hang_up_sms": "on", "sms_mode": "write", "sms_app_id": "a1",
                                                 "sms_content": "Hi ${text1}", "sms_on_failure": "on"})

    assert errors(response, "sms_content") == [
        f"Text 1 is empty for {callee.number}, but the SMS text uses ${{text1}}; fill it in."]


def test_a_picked_template_is_used_as_it_is_and_a_missing_pick_is_said_plainly(alex, campaign):
    template = SmsTemplateFactory(name="Thanks")
    post_step(alex, campaign, "message", {"hang_up_sms": "on"})

    response = post_step(alex, campaign, "sms", {"hang_up_sms": "on", "sms_mode": "pick", "sms_on_ring": "on"})
    assert errors(response, "sms_template") == ["Pick a template, or choose “Write it here”."]

    response = post_step(alex, campaign, "sms", {"hang_up_sms": "on", "sms_mode": "pick", "sms_template": template.pk,
                                                 "sms_on_ring": "on"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.sms_template == template and SmsTemplate.objects.count() == 1


def test_agents_need_their_group_on_the_agents_step_and_the_one_pacing_is_not_asked(alex, campaign):
    post_step(alex, campaign, "message", {"to_agents": "on"})

    response = post_step(alex, campaign, "agents", {"to_agents": "on", "callout_rate": "2", "transfer_when": "1"})
    assert "outbound_control" not in response.context["form"].fields
    assert "Proportional" in response.content.decode()
    assert errors(response, "agent_group_id") == ["Agent group ID is required when calls are transferred to agents."]

    response = post_step(alex, campaign, "agents", {"to_agents": "on", "agent_group_id": "12", "callout_rate": "2",
                                                    "transfer_when": "1"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.agent_group_id, campaign.outbound_control, campaign.callout_rate) == (12, rules.Pacing.PROPORTIONAL, 2)


def test_a_start_in_the_past_is_refused_on_the_schedule_step(alex, campaign):
    yesterday = timezone.localtime(timezone.now(), SHANGHAI) - timedelta(days=1)
    response = post_step(alex, campaign, "schedule", {"start_mode": "later", "start_date": f"{yesterday:%Y-%m-%d}",
                                                      "start_time": "10:00"})
    assert response.status_code == 200
    assert errors(response, "start_date") == [f"{yesterday:%Y-%m-%d} is in the past; pick today or a later date, or "
                                              "choose “As soon as it is launched”."]
    an_hour_ago = timezone.localtime(timezone.now(), SHANGHAI) - timedelta(hours=1)
    if an_hour_ago.date() == yesterday.date() + timedelta(days=1):  # today there still: the rules module says it
        response = post_step(alex, campaign, "schedule", {
            "start_mode": "later", "start_date": f"{an_hour_ago:%Y-%m-%d}", "start_time": f"{an_hour_ago:%H:%M}"})
        assert "is in the past" in errors(response, "start_time")[0]


def test_language_and_accent_are_picked_by_name_and_another_code_can_be_typed(alex, campaign):
    page = alex.get(url(campaign, "message"))
    assert ("EN", "English") in page.context["form"].fields["language"].choices
    assert ("44", "United Kingdom") in page.context["form"].fields["accent"].choices

    response = post_step(alex, campaign, "message", {"language": "other", "language_code": "FR", "accent": "other",
                                                     "accent_code": "33"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.language, campaign.accent) == ("FR", "33")
    form = alex.get(url(campaign, "message")).context["form"]
    assert (form["language"].value(), form["language_code"].value()) == ("other", "FR")


def test_a_recording_uploaded_on_the_message_step_gets_the_voice_files_checks(alex, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    source = {"source": str(rules.Source.VOICE_FILE)}
    post_step(alex, campaign, "message", source, goto="message")

    page = SimpleUploadedFile("greeting.mp3", b"<html>not audio</html>")
    response = post_step(alex, campaign, "message", source, files={"upload_audio": page})
    assert response.status_code == 200
    assert "is not MP3, M4A or WAV audio" in errors(response, "upload_audio")[0]
    assert not VoiceFile.objects.exists()

    response = post_step(alex, campaign, "message", source, files={"upload_audio": SimpleUploadedFile("hello.wav", WAV)})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.voice_file.name == "hello.wav" and campaign.voice_file.audio.read() == WAV


# A draft at every step

def test_back_saves_what_is_valid_and_keeps_what_is_not_for_when_the_step_is_seen_again(alex, campaign):
    response = post_step(alex, campaign, "message", {"tts_text": "New text", "loop_count": "twice"}, goto="back")

    assert response.status_code == 302 and response["Location"] == url(campaign, "audience")
    campaign.refresh_from_db()
    assert (campaign.tts_text, campaign.loop_count) == ("New text", 1)
    again = alex.get(url(campaign, "message"))
    assert again.context["form"]["loop_count"].value() == "twice"
    assert errors(again, "loop_count") == ["Enter a whole number."]

    post_step(alex, campaign, "message", {"loop_count": "2"})
    assert alex.get(url(campaign, "message")).context["form"]["loop_count"].value() == 2


def test_a_hidden_field_keeps_its_stored_value(alex, campaign):
    post_step(alex, campaign, "message", {"source": str(rules.Source.VOICE_FILE)}, goto="message")

    campaign.refresh_from_db()
    assert campaign.source == rules.Source.VOICE_FILE
    assert campaign.tts_text == "Hello from the campaign test."  # not shown, not lost
    form = alex.get(url(campaign, "message")).context["form"]
    assert "tts_text" not in form.fields and "upload_audio" in form.fields


def test_next_skips_the_steps_switched_off_and_back_comes_the_same_way(alex, campaign):
    assert post_step(alex, campaign, "message", {})["Location"] == url(campaign, "schedule")
    assert post_step(alex, campaign, "schedule", {})["Location"] == url(campaign, "review")
    assert post_step(alex, campaign, "schedule", {}, goto="back")["Location"] == url(campaign, "message")
    assert post_step(alex, campaign, "message", {"hang_up_sms": "on"})["Location"] == url(campaign, "sms")


def test_a_launched_campaign_is_not_changed_by_a_late_step(alex, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SUBMITTED)

    response = alex.post(url(campaign, "message"), {"_shown": "tts_text", "tts_text": "Too late", "goto": "next"})

    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    campaign.refresh_from_db()
    assert campaign.tts_text == "Hello from the campaign test."


def test_a_campaign_waiting_for_approval_is_shown_on_its_review_and_not_changed_by_a_step(alex, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(approval_state=Campaign.Approval.REQUESTED)

    step = alex.get(url(campaign, "message"))
    late = alex.post(url(campaign, "message"), {"_shown": "tts_text", "tts_text": "Changed underneath", "goto": "next"})
    review = alex.get(url(campaign, "review")).content.decode()

    assert step["Location"] == late["Location"] == url(campaign, "review")
    campaign.refresh_from_db()
    assert campaign.tts_text == "Hello from the campaign test."
    assert 'id="approval-panel"' in review and 'id="approve"' in review and 'id="launch"' not in review


def test_the_builder_logs_who_created_and_who_edited_the_draft(alex):
    customers = CalleeListFactory(name="Spring customers")
    CalleeFactory(callee_list=customers)
    alex.post(reverse("studio:campaign_new"), {"_shown": "task_name,callee_list,display_number,app_id",
                                                "task_name": "Spring sale", "callee_list": customers.pk,
                                                "display_number": "", "app_id": "voiceApp1"})
    campaign = Campaign.objects.get(task_name="Spring sale")
    post_step(alex, campaign, "message", {"tts_text": "Hello"})

    assert [(event.what, event.who.username) for event in campaign.events.order_by("id")] == [
        ("created", campaign.created_by.username), ("edited", campaign.created_by.username)]


def test_an_editor_asks_for_approval_from_the_review(campaign):
    erin = client_for(editor())

    review = erin.get(url(campaign, "review")).content.decode()

    assert 'id="ask"' in review and "Ask for approval" in review and 'id="test-call' in review


def test_an_unknown_step_is_not_found(alex, campaign):
    assert alex.get(f"/campaigns/{campaign.pk}/edit/launch-it/").status_code == 404
    assert alex.get(f"/campaigns/{campaign.pk + 1000}/edit/message/").status_code == 404


# Calling windows

def test_a_window_across_midnight_in_laaffics_zone_is_stored_as_two_and_the_page_says_so(alex, campaign):
    response = post_step(alex, campaign, "schedule", {"window_1_start": "21:00", "window_1_end": "09:00"})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.calling_windows == [{"start": "21:00", "end": "23:59"}, {"start": "00:00", "end": "09:00"}]
    page = alex.get(url(campaign, "schedule"))
    assert (page.context["form"]["window_1_start"].value(), page.context["form"]["window_1_end"].value()) == (
        datetime.strptime("21:00", "%H:%M").time(), datetime.strptime("09:00", "%H:%M").time())
    assert page.context["notes"] == ["21:00–09:00 runs past midnight in Laaffic's zone (Asia/Shanghai), so it is "
                                     "sent as two windows: 21:00–23:59 and 00:00–09:00."]
    review = alex.get(url(campaign, "review")).content.decode()
    assert "21:00–09:00 in Asia/Shanghai" in review and "sent as two windows: 21:00–23:59 and 00:00–09:00" in review


def test_a_split_that_makes_more_than_three_windows_is_refused(alex, campaign):
    response = post_step(alex, campaign, "schedule", {
        "window_1_start": "21:00", "window_1_end": "09:00", "window_2_start": "10:00", "window_2_end": "12:00",
        "window_3_start": "14:00", "window_3_end": "16:00"})

    assert response.status_code == 200
    assert errors(response, "window_1_start") == [
        "21:00–09:00 runs past midnight in Laaffic's zone (Asia/Shanghai), so it would be sent as two windows "
        "(21:00–23:59 and 00:00–09:00); that makes 4 windows and Laaffic takes at most 3. Remove a window, or end "
        "this one before midnight there."]
    campaign.refresh_from_db()
    assert campaign.calling_windows == []


def test_a_start_outside_every_window_is_a_warning_not_an_error(alex, campaign):
    tomorrow = timezone.localtime(timezone.now(), SHANGHAI) + timedelta(days=1)
    response = post_step(alex, campaign, "schedule", {
        "start_mode": "later", "start_date": f"{tomorrow:%Y-%m-%d}", "start_time": "10:00",
        "window_1_start": "18:00", "window_1_end": "21:00"})

    assert response.status_code == 302 and response["Location"] == url(campaign, "review")
    review = alex.get(url(campaign, "review"))
    assert review.context["warning"] == (
        f"It starts at {tomorrow:%Y-%m-%d} 10:00 your time (10:00 in Laaffic's zone, Asia/Shanghai), outside every "
        "calling window: no call is made until one opens, at 18:00 there (18:00 your time).")
    assert not review.context["problems"]
    assert post_step(alex, campaign, "schedule", {"start_mode": "later", "start_date": f"{tomorrow:%Y-%m-%d}",
                                                  "start_time": "19:00", "window_1_start": "18:00",
                                                  "window_1_end": "21:00"}).status_code == 302
    assert alex.get(url(campaign, "schedule")).context["warning"] == ""


# The review and Launch

def test_the_review_links_each_problem_to_the_step_that_fixes_it(alex, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(tts_text="", hang_up_sms=rules.YesNo.YES)

    review = alex.get(url(campaign, "review"))

    problems = dict(review.context["problems"])
    assert problems[builder.MESSAGE] == ["Text to speak is required for text-to-speech."]
    assert "SMS app ID is required when a hang-up SMS is sent." in problems[builder.SMS]
    page = review.content.decode()
    assert f'href="{url(campaign, "message")}?check=1"' in page and 'id="launch"' not in page
    fix = alex.get(url(campaign, "message") + "?check=1")
    assert errors(fix, "tts_text") == ["Text to speak is required for text-to-speech."]


def test_the_review_says_a_list_over_the_limit_is_sent_as_several_tasks(alex, limit_of_4):
    big = CampaignFactory(task_name="Summer sale", callees=9)
    small = CampaignFactory(task_name="Spring sale", callees=4)

    page = alex.get(url(big, "review")).content.decode()

    assert 'id="review-parts"' in page
    assert ("Laaffic calls at most 4 numbers a task, so the 9 numbers are sent in 3 parts, each its own task: "
            "“Summer sale (1/3)” (4), “Summer sale (2/3)” (4), “Summer sale (3/3)” (1).") in page
    assert 'id="review-parts"' not in alex.get(url(small, "review")).content.decode()


def test_an_editor_sees_who_launches_instead_of_a_launch_button_and_cannot_post_one(campaign):
    approver(first_name="Alex", last_name="Approver")
    erin = client_for(editor())

    review = erin.get(url(campaign, "review"))

    page = review.content.decode()
    assert 'id="launch-panel"' in page and 'id="launch"' not in page
    assert "An approver launches campaigns: Alex Approver." in page
    assert erin.post(reverse("studio:campaign_launch", args=[campaign.pk])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_an_approver_launches_once_however_often_launch_is_posted(alex, campaign, simulator,
                                                                  django_capture_on_commit_callbacks):
    assert 'id="launch"' in alex.get(url(campaign, "review")).content.decode()
    launch = reverse("studio:campaign_launch", args=[campaign.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = alex.post(launch)
    with django_capture_on_commit_callbacks(execute=True):
        second = alex.post(launch)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/campaigns/{campaign.pk}/"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUBMITTED
    assert Submission.objects.filter(campaign=campaign).count() == 1
    assert len([r for r in simulator.requests if r["path"] == "voice/group/call/send"]) == 1


def test_a_campaign_with_problems_is_not_launched_and_goes_back_to_its_review(alex, campaign, simulator):
    Campaign.objects.filter(pk=campaign.pk).update(tts_text="")

    response = alex.post(reverse("studio:campaign_launch", args=[campaign.pk]))

    assert response["Location"] == url(campaign, "review")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and simulator.requests == []


# The SMS preview

def test_the_sms_preview_fills_the_texts_of_the_callee_picked_and_counts_its_parts(alex, campaign):
    ben = campaign.callee_list.callees.all()[1]
    response = alex.post(reverse("studio:campaign_sms_preview", args=[campaign.pk]), {
        "_shown": "hang_up_sms,sms_mode,sms_content,preview_callee", "hang_up_sms": "on", "sms_mode": "write",
        "sms_content": "Hi ${text1} ç" + "x" * 60, "preview_callee": ben.pk})

    preview = response.context["preview"]
    assert preview["filled"] == f"Hi {ben.text1} ç" + "x" * 60
    assert (preview["count"].encoding, preview["count"].parts) == ("UCS-2", 2)
    assert "2 SMS" in response.content.decode()


# Which step fixes what

def test_every_field_of_the_contract_table_belongs_to_a_step():
    assert {name for name in rules.FIELDS if builder.step_of(name) is builder.REVIEW} == set()
    assert builder.step_of("allowSendTime[1].endTime") is builder.SCHEDULE
    assert builder.step_of("numberInfoList[3].calleeNumber") is builder.AUDIENCE
    assert builder.step_of("numberInfoList[3].text2") is builder.SMS
    assert builder.step_of("somethingElse") is builder.REVIEW


@pytest.mark.parametrize(("day", "clock"), [("0001-01-01", "00:00"), ("9999-12-31", "23:59"), ("2030-02-30", "10:00"),
                                            ("2030-01-01", "25:00"), ("x" * 5000, "10:00")])
def test_a_start_no_calendar_can_hold_is_refused_on_its_field(alex, campaign, day, clock):
    response = post_step(alex, campaign, "schedule", {"start_mode": "later", "start_date": day, "start_time": clock})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get("start_date") or form.errors.get("start_time")
    campaign.refresh_from_db()
    assert campaign.send_time is None


def test_values_out_of_the_tables_limits_are_refused_with_its_messages(alex, campaign):
    response = post_step(alex, campaign, "message", {"tts_text": "x" * 1001, "speaking_rate": "9", "loop_count": "10"})

    assert errors(response, "tts_text") == ["Text to speak is 1001 characters long; the limit is 1,000."]
    assert errors(response, "speaking_rate") == ["Speaking rate must be between 0.25 and 4 times normal speed; it is 9.0."]
    assert errors(response, "loop_count") == ["Times played must be between 1 and 9 times; it is 10."]


def test_the_review_names_a_callee_missing_a_text_the_sms_uses_and_says_its_body_is_shortened(alex):
    campaign = CampaignFactory(task_name="Texts", callees=0, hang_up_sms=rules.YesNo.YES, sms_on_ring=1,
                               sms_template=SmsTemplateFactory(content="Hi ${text1}"))
    for number, name in [("8613800000001", "Ann"), ("8613800000002", "Bo"), ("8613800000003", "Cy"),
                         ("8613800000004", "\u3000"), ("8613800000005", "Di")]:
        CalleeFactory(callee_list=campaign.callee_list, number=number, text1=name)

    review = alex.get(url(campaign, "review"))

    assert dict(review.context["problems"])[builder.SMS] == [
        "Text 1 is empty for 8613800000004, but the SMS text uses ${text1}; fill it in."]
    page = review.content.decode()
    assert "Shortened here: it shows the first 3 callees; all 5 are sent." in page
    assert "… and 2 more callees" in page
    fix = alex.get(url(campaign, "sms") + "?check=1")
    assert "Text 1 is empty for 8613800000004, but the SMS text uses ${text1}; fill it in." in fix.content.decode()
