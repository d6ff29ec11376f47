"""The campaign admin: form errors on the right fields, the submit action and its permission."""
import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaigns.admin.campaigns import CampaignAdmin
from campaigns.models import Campaign
from tests.conftest import DOC_SECRET
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:campaigns_campaign_add")
CHANGELIST = reverse("admin:campaigns_campaign_changelist")


def staff(*codenames):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor(client):
    client.force_login(staff("view_campaign", "add_campaign", "change_campaign"))
    return client


@pytest.fixture
def submitter(client):
    client.force_login(staff("view_campaign", "add_campaign", "change_campaign", "submit_campaign"))
    return client


def form_data(callee_list, **overrides):
    data = {
        "task_name": "Spring sale", "app_id": "app01", "display_number": "", "callee_list": callee_list.pk,
        "source": 3, "tts_text": "Hello, our spring sale starts today.", "language": "EN",
        "loop_count": 1, "max_call_seconds": 60, "max_ringing_seconds": 60, "delay_play_seconds": 0,
        "delay_hangup_seconds": 0, "hang_up_sms": 0, "sms_on_key_press": 0, "sms_on_success": 0,
        "sms_on_failure": 0, "sms_on_ring": 0, "to_agents": 0, "submissions-TOTAL_FORMS": 0,
        "submissions-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def errors_of(response):
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def test_a_valid_campaign_is_saved_as_a_draft(editor):
    callee = CalleeFactory()
    response = editor.post(ADD_URL, form_data(callee.callee_list, window_1_start="09:00", window_1_end="18:00"))
    assert response.status_code == 302, errors_of(response)
    campaign = Campaign.objects.get(task_name="Spring sale")
    assert campaign.status == Campaign.Status.DRAFT
    # Staff type 09:00-18:00 in UTC; Laaffic's zone (UTC+8) reads 17:00-02:00.
    assert campaign.calling_windows == [{"start": "17:00", "end": "02:00"}]


def test_a_calling_window_that_ends_when_it_starts_is_pointed_out_on_its_end(editor):
    callee = CalleeFactory()
    response = editor.post(ADD_URL, form_data(callee.callee_list, window_1_start="09:00", window_1_end="09:00"))
    assert errors_of(response) == {"window_1_end": ["The window ends when it starts; it would never call."]}
    assert not Campaign.objects.exists()


def test_a_hang_up_sms_without_a_trigger_is_pointed_out_on_its_field(editor):
    callee = CalleeFactory()
    data = form_data(callee.callee_list, hang_up_sms=1, sms_template=SmsTemplateFactory().pk)
    response = editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert errors_of(response) == {"hang_up_sms": [
        "A hang-up SMS needs at least one trigger: key press, answered call, failed call or ringing."
    ]}
    assert not Campaign.objects.exists()


def test_field_errors_land_on_the_fields_staff_edit(editor):
    callee = CalleeFactory(text1="")
    template = SmsTemplateFactory(content="Hi ${text1}")
    data = form_data(callee.callee_list, task_name="x", language="", max_ringing_seconds=19,
                     hang_up_sms=1, sms_template=template.pk, sms_on_success=1,
                     window_2_start="09:00", speaking_rate="5")
    errors = errors_of(editor.post(ADD_URL, data))
    assert set(errors) == {"task_name", "language", "max_ringing_seconds", "sms_success_delay_seconds",
                           "callee_list", "window_2_end", "speaking_rate"}
    assert errors["task_name"] == ["Task name must be 2 to 64 characters long; it has 1."]
    assert errors["callee_list"][0].startswith(f"Callee 1: Text 1 is empty for {callee.number}")


def test_a_task_name_already_used_is_refused_once(editor):
    CampaignFactory(task_name="Spring sale")
    errors = errors_of(editor.post(ADD_URL, form_data(CalleeFactory().callee_list)))
    assert errors == {"task_name": [
        "Another campaign already uses the task name 'Spring sale'; Laaffic needs a new name for every task."
    ]}


def test_submit_action_shows_a_confirmation_with_the_essentials(submitter, simulator):
    campaign = CampaignFactory(callees=5, calling_windows=[{"start": "17:00", "end": "02:00"}], hang_up_sms=1,
                               sms_template=SmsTemplateFactory(content="Hi ${text1}!"), sms_on_ring=1)
    response = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "costs money" in page and "5 numbers" in page
    assert "17:00–02:00 (Asia/Shanghai) = 09:00–18:00 (UTC)" in page
    first = campaign.callee_list.callees.first()
    assert f"The first callee gets: “Hi {first.text1}!”" in page
    assert "&quot;taskName&quot;: &quot;%s&quot;" % campaign.task_name in page
    assert "… and 2 more callees" in page
    assert DOC_SECRET not in page
    assert simulator.requests == []
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_confirming_submits_through_the_task(submitter, simulator, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk],
                                               "confirm": "yes"}, follow=True)
    assert "1 campaign queued" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUBMITTED and campaign.key_id
    page = submitter.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert campaign.key_id in page and "Accepted" in page
    assert DOC_SECRET not in page


def test_confirming_twice_posts_once(submitter, simulator, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = submitter.post(CHANGELIST, {"action": "submit_to_laaffic",
                                                   "_selected_action": [campaign.pk], "confirm": "yes"},
                                      follow=True)
    assert "never sent twice" in response.content.decode()
    assert len([r for r in simulator.requests if r["path"].endswith("group/call/send")]) == 1


def test_a_campaign_with_problems_is_listed_and_not_submitted(submitter, simulator):
    campaign = CampaignFactory(callees=0)
    page = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]})
    content = page.content.decode()
    assert "no phone numbers to call" in content and 'id="confirm-submit"' not in content


def test_staff_without_the_submit_permission_do_not_get_the_action(editor, simulator):
    campaign = CampaignFactory()
    page = editor.get(CHANGELIST).content.decode()
    assert "submit_to_laaffic" not in page
    editor.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk], "confirm": "yes"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and simulator.requests == []


def test_a_submitted_campaign_is_read_only(submitter):
    campaign = CampaignFactory(status=Campaign.Status.SUBMITTED, key_id="100001",
                               calling_windows=[{"start": "09:00", "end": "18:00"}])
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    page = submitter.get(url).content.decode()
    assert "100001" in page and 'name="_save"' not in page
    assert "09:00–18:00 (Asia/Shanghai)" in page


def test_callee_list_changelist_counts_callees_without_a_query_per_row(admin_client, django_assert_max_num_queries):
    for _ in range(5):
        CalleeFactory(callee_list=CalleeListFactory())
    with django_assert_max_num_queries(8):
        page = admin_client.get(reverse("admin:campaigns_calleelist_changelist"))
    assert page.status_code == 200 and "View callees" in page.content.decode()


def test_a_key_typed_in_the_form_is_sent_as_text_as_the_page_types_it(editor):
    from campaigns.services.bodies import campaign_body

    callee = CalleeFactory()
    data = form_data(callee.callee_list, hang_up_sms=1, sms_template=SmsTemplateFactory().pk,
                     sms_on_key_press=1, sms_key="7")
    assert editor.post(ADD_URL, data).status_code == 302
    body = campaign_body(Campaign.objects.get())
    assert (body["feedbackPush"], body["feedbackValue"]) == (1, "7")


def test_editing_shows_stored_windows_in_the_staff_zone(editor):
    campaign = CampaignFactory(calling_windows=[{"start": "17:00", "end": "02:00"}])
    page = editor.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert 'name="window_1_start" value="09:00"' in page and 'name="window_1_end" value="18:00"' in page


def test_the_changelist_counts_each_campaigns_callees_and_sorts_by_them(admin_client):
    for size in (3, 0, 1):
        CampaignFactory(task_name=f"Size {size}", callees=size)
    column = list(CampaignAdmin.list_display).index("callee_count") + 1
    for order, expected in ((f"{column}", [0, 1, 3]), (f"-{column}", [3, 1, 0])):
        response = admin_client.get(CHANGELIST, {"o": order})
        results = response.context["cl"].result_list
        assert [c.callee_count for c in results] == expected
        assert [c.task_name for c in results] == [f"Size {n}" for n in expected]


# Madrid skips 02:00-03:00 on 2099-03-29 and lives 02:00-03:00 twice on 2099-10-25.


def test_a_start_your_clocks_skip_is_refused_saying_why(editor, settings):
    settings.TIME_ZONE = "Europe/Madrid"
    data = form_data(CalleeFactory().callee_list, send_time_0="2099-03-29", send_time_1="02:30:00")
    assert errors_of(editor.post(ADD_URL, data)) == {"send_time": [
        "Scheduled start 2099-03-29 02:30:00 does not exist in Europe/Madrid: the clocks go forward 1 hour that "
        "night, so it would become 03:30:00. Pick a time that exists, such as 03:30:00."]}
    assert not Campaign.objects.exists()


def test_a_start_that_happens_twice_in_your_zone_is_the_first_and_a_note_says_so(editor, settings):
    settings.TIME_ZONE = "Europe/Madrid"
    data = form_data(CalleeFactory().callee_list, send_time_0="2099-10-25", send_time_1="02:30:00")
    response = editor.post(ADD_URL, data, follow=True)
    assert Campaign.objects.get().send_time.isoformat() == "2099-10-25T00:30:00+00:00"
    assert [str(m) for m in response.context["messages"]][:1] == [
        "02:30 on 2099-10-25 happens twice in Europe/Madrid (the clocks go back that night); the first one "
        "(summer time, +02:00) is used."]


def test_a_start_that_is_the_second_of_two_equal_times_in_laaffics_zone_is_refused(editor, settings):
    settings.LAAFFIC_TIME_ZONE = "Europe/Madrid"  # staff work in UTC
    data = form_data(CalleeFactory().callee_list, send_time_0="2099-10-25", send_time_1="01:30:00")
    errors = errors_of(editor.post(ADD_URL, data))
    assert list(errors) == ["send_time"] and "for the second time that night (+01:00)" in errors["send_time"][0]
    data.update(send_time_1="00:30:00")  # the first 02:30 in Madrid
    response = editor.post(ADD_URL, data, follow=True)
    assert Campaign.objects.get().send_time.isoformat() == "2099-10-25T00:30:00+00:00"
    assert "the first one (summer time, +02:00) is sent." in str(list(response.context["messages"])[0])


def test_the_confirmation_says_which_of_two_equal_start_times_is_sent(submitter, settings):
    settings.LAAFFIC_TIME_ZONE = "Europe/Madrid"
    from datetime import datetime, timezone

    campaign = CampaignFactory(send_time=datetime(2099, 10, 25, 0, 30, tzinfo=timezone.utc))
    page = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]})
    assert page.context["reviews"][0].notes == [
        "02:30 on 2099-10-25 happens twice in Europe/Madrid (the clocks go back that night); the first one "
        "(summer time, +02:00) is sent."]
    assert "2099-10-25 00:30:00 +0000 (UTC) = 2099-10-25 02:30:00 (Europe/Madrid)" in page.content.decode()


def test_the_confirmation_names_the_recording_sent_with_the_task_without_reading_it(submitter, tmp_path, settings):
    from django.core.files.base import ContentFile

    from campaigns.models import VoiceFile

    settings.MEDIA_ROOT = str(tmp_path)
    voice = VoiceFile(name="greeting.wav")
    voice.audio.save("greeting.wav", ContentFile(b"RIFF\0\0\0\0WAVE" + b"\0" * 5000), save=True)
    campaign = CampaignFactory(source=Campaign.Source.INLINE_FILE, voice_file=voice, tts_text="", language="")
    page = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]})
    assert "[greeting.wav: 5,012 bytes of audio, sent as base64]" in page.content.decode()
