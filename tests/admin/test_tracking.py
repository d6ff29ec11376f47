"""After launch in the admin: progress, results page and export, cancel and call again."""
import codecs
import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaigns.laaffic import records as laaffic_records
from campaigns.models import CallRecord, Campaign, ProviderStatus, StaffProfile, SuppressedNumber
from campaigns.services.tracking import call_records_ingest
from tests.factories import CalleeFactory, CampaignFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:campaigns_campaign_changelist")


def finished_campaign(records=0, **fields):
    campaign = CampaignFactory(callees=0, status=Campaign.Status.SUBMITTED, task_id=900, key_id="900",
                               provider_status=ProviderStatus.FINISHED, progress=100, numbers_total=records,
                               numbers_called=records, **fields)
    for i in range(records):
        callee = CalleeFactory(callee_list=campaign.callee_list, number=f"86138000{i:05d}", text1=f"=Name {i}")
        call_records_ingest([laaffic_records.parse_record({
            "voiceId": f"v{i}", "taskId": 900, "callee": callee.number, "callTime": 1764300000000 + i,
            "callDuration": 10 if i % 2 else 0, "callStatus": 50 if i % 2 else 10, "feedbackValue": str(i % 3),
            "cost": "0.01", "currency": "USD"})])
    return campaign


def test_the_campaign_page_shows_live_progress(admin_client):
    campaign = finished_campaign(records=2)
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert 'id="campaign-progress"' in page and 'id="results-link"' in page
    data = admin_client.get(reverse("admin:campaigns_campaign_progress", args=[campaign.pk])).json()
    assert data["provider_status"] == "Finished" and data["progress"] == 100 and data["called"] == 2
    assert data["final"] is True  # the page stops polling


@pytest.mark.parametrize("records", [4, 60])
def test_the_results_page_shows_the_numbers_in_constant_queries(admin_client, records, django_assert_max_num_queries):
    campaign = finished_campaign(records=records)
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("admin:campaigns_campaign_results", args=[campaign.pk]))
    page = response.content.decode()
    assert response.context["results"].total == records
    assert "50.0%" in page and "<svg" in page and "Answered" in page
    busy = admin_client.get(reverse("admin:campaigns_campaign_results", args=[campaign.pk]), {"outcome": "busy"})
    assert {r.outcome for r in busy.context["page"]} == {"busy"}


def test_results_export_has_one_row_per_callee_with_formulas_neutralised(admin_client):
    campaign = finished_campaign(records=2)
    CalleeFactory(callee_list=campaign.callee_list, number="8613999999999", text1="Never called")
    response = admin_client.get(reverse("admin:campaigns_campaign_results_csv", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["calleeNumber", "text1"] and rows[0][11:13] == ["outcome", "callStatus"]
    assert [(r[0], r[1], r[11]) for r in rows[1:]] == [
        ("8613800000000", "'=Name 0", "Busy"), ("8613800000001", "'=Name 1", "Answered"),
        ("8613999999999", "Never called", "Not called")]


def test_results_export_opens_in_excel_with_times_in_the_users_zone_and_statuses_by_name(admin_client, admin_user):
    StaffProfile.objects.create(user=admin_user, time_zone="Europe/Madrid")
    campaign = finished_campaign(records=2)  # called at 2025-11-28 03:20 UTC
    response = admin_client.get(reverse("admin:campaigns_campaign_results_csv", args=[campaign.pk]))
    assert response.content.startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 only with it
    header, busy, answered = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    columns = dict(zip(header, answered))
    assert columns["callTime (Europe/Madrid)"] == "2025-11-28 04:20:00"
    assert (columns["outcome"], columns["callStatus"]) == ("Answered", "Answered")
    assert dict(zip(header, busy))["callStatus"] == "Rang, not answered (busy)"


def test_cancel_asks_for_confirmation_then_cancels(admin_client, simulator):
    campaign = CampaignFactory()
    from campaigns.services.campaigns import campaign_queue, campaign_submit

    campaign_queue(campaign)
    campaign_submit(campaign.pk)
    page = admin_client.post(CHANGELIST, {"action": "cancel_on_laaffic", "_selected_action": [campaign.pk]})
    assert "cannot be undone" in page.content.decode() and not simulator.requests[1:]
    admin_client.post(CHANGELIST, {"action": "cancel_on_laaffic", "_selected_action": [campaign.pk],
                                   "confirm": "yes"})
    campaign.refresh_from_db()
    assert campaign.provider_status == ProviderStatus.CANCELLED


def test_call_again_creates_a_linked_run_and_submits_it(admin_client, simulator, django_capture_on_commit_callbacks):
    parent = CampaignFactory()
    from campaigns.services.campaigns import campaign_queue, campaign_submit
    from campaigns.services.tracking import campaign_sync

    campaign_queue(parent)
    campaign_submit(parent.pk)
    simulator.finish(parent.task_name)
    campaign_sync(Campaign.objects.get(pk=parent.pk))
    form = admin_client.post(CHANGELIST, {"action": "call_again", "_selected_action": [parent.pk]})
    assert "costs money" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(CHANGELIST, {"action": "call_again", "_selected_action": [parent.pk], "confirm": "yes",
                                       "task_name": "Round two", "failed_only": "0"})
    child = Campaign.objects.get(task_name="Round two")
    assert child.parent_id == parent.pk and child.status == Campaign.Status.SUBMITTED
    assert [r["body"]["resendType"] for r in simulator.requests if r["path"].endswith("resend")] == [0]


def test_call_again_with_a_used_name_shows_the_error_on_the_form(admin_client):
    parent = finished_campaign(records=2)
    page = admin_client.post(CHANGELIST, {"action": "call_again", "_selected_action": [parent.pk], "confirm": "yes",
                                          "task_name": parent.task_name, "failed_only": "1"})
    assert "Another campaign already uses" in page.content.decode()
    assert Campaign.objects.count() == 1


def test_cancel_has_its_own_permission(client):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_campaign", "submit_campaign"]))
    client.force_login(user)
    CampaignFactory()
    page = client.get(CHANGELIST).content.decode()
    assert "call_again" in page and "cancel_on_laaffic" not in page


def call_again(client, parent, **confirm):
    data = {"action": "call_again", "_selected_action": [parent.pk]}
    if confirm:
        data.update(confirm="yes", **confirm)
    return client.post(CHANGELIST, data)


def test_call_again_shows_how_many_each_choice_calls(admin_client):
    parent = finished_campaign(records=4)  # two answered, two busy
    response = call_again(admin_client, parent)
    page = response.content.decode()
    intro = page.split("This starts a new run")[1].split("</p>")[0]
    assert "On Laaffic it is finished:\n4 of its 4 numbers called." in intro and "?" not in intro
    assert re.findall(r'class="recall-count">([^<]*)<', page) == ["2 numbers", "4 numbers"]
    assert "Called without an answer. Laaffic calls them again from its copy of the first run." in page
    assert 'id="confirm-recall"' in page


def test_call_again_says_nobody_is_left_and_creates_nothing(admin_client):
    parent = finished_campaign(records=2)
    CallRecord.objects.update(outcome=CallRecord.Outcome.ANSWERED)
    page = call_again(admin_client, parent).content.decode()
    assert re.findall(r'class="recall-count">([^<]*)<', page) == ["nobody", "2 numbers"]
    assert "Nobody left to call: every number was reached." in page
    page = call_again(admin_client, parent, task_name="Round two", failed_only="1").content.decode()
    assert "Nobody left to call: every number was reached." in page.split('class="errorlist')[1]
    SuppressedNumber.objects.bulk_create(SuppressedNumber(number=c.number) for c in parent.callee_list.callees.all())
    page = call_again(admin_client, parent).content.decode()
    assert 'id="nobody-left"' in page and 'id="confirm-recall"' not in page
    assert Campaign.objects.count() == 1


def test_call_again_leaving_out_the_do_not_call_list_says_how_many_are_called(admin_client, simulator,
                                                                                django_capture_on_commit_callbacks):
    parent = finished_campaign(records=3)
    SuppressedNumber.objects.create(number="8613800000000")
    with django_capture_on_commit_callbacks(execute=True):
        call_again(admin_client, parent, task_name="Round two", failed_only="0")
    child = Campaign.objects.get(task_name="Round two")
    assert list(child.callee_list.callees.values_list("number", flat=True)) == ["8613800000001", "8613800000002"]
    assert child.status == Campaign.Status.SUBMITTED
    assert [len(r["body"]["numberInfoList"]) for r in simulator.requests if r["path"].endswith("call/send")] == [2]
