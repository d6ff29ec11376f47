"""Call records in the admin: who may fetch them, and the calls no campaign can claim alone."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from campaigns.laaffic import records as laaffic_records
from campaigns.models import CallRecord, Campaign, ProviderStatus
from campaigns.services.campaigns import campaign_queue, campaign_submit
from campaigns.services.tracking import call_records_ingest, campaign_sync
from tests.factories import CalleeFactory, CampaignFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:campaigns_campaign_changelist")
RECORDS = reverse("admin:campaigns_callrecord_changelist")


def staff(client, *codenames):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def finished(simulator, **fields):
    campaign = CampaignFactory(**fields)
    campaign_queue(campaign)
    campaign_submit(campaign.pk)
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    return campaign


@pytest.mark.parametrize("codenames, allowed", [
    (["view_campaign"], False),
    (["view_campaign", "fetch_call_results"], True),
])
def test_fetch_call_results_needs_its_own_permission(client, simulator, django_capture_on_commit_callbacks,
                                                     codenames, allowed):
    campaign = finished(simulator)
    staff(client, *codenames)
    assert ('value="fetch_call_results"' in client.get(CHANGELIST).content.decode()) is allowed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "fetch_call_results", "_selected_action": [campaign.pk]})
    fetched = [r for r in simulator.requests if r["path"] == "voice/recordGroupQuery"]
    assert bool(fetched) is allowed
    assert CallRecord.objects.filter(campaign=campaign).count() == (3 if allowed else 0)


def shared_calls():
    """Two campaigns calling the same number at once, and a call the record query reported without task id."""
    started = timezone.now() - timedelta(hours=1)
    campaigns = [CampaignFactory(task_name=name, callees=0, status=Campaign.Status.SUBMITTED, task_id=task_id,
                                 submitted_at=started, provider_status=ProviderStatus.FINISHED,
                                 finished_at=timezone.now())
                 for name, task_id in (("Spring sale", 31), ("Spring sale reminder", 32))]
    for campaign in campaigns:
        CalleeFactory(callee_list=campaign.callee_list, number="8613800000001")
    call = {"voiceId": "both", "callee": "8613800000001", "callTime": (started + timedelta(minutes=5)).isoformat(),
            "terminationCode": "200", "callDuration": 12}
    waiting = {**call, "voiceId": "waiting", "taskId": 99}
    call_records_ingest([laaffic_records.parse_record(call), laaffic_records.parse_record(waiting)])
    return campaigns


def test_the_results_page_counts_the_calls_another_campaign_could_own(admin_client):
    spring, reminder = shared_calls()
    page = admin_client.get(reverse("admin:campaigns_campaign_results", args=[spring.pk])).content.decode()
    assert "1 call could belong to this campaign or another; not counted." in page
    assert f'href="{RECORDS}?could_belong_to={spring.pk}"' in page
    assert admin_client.get(reverse("admin:campaigns_campaign_results", args=[spring.pk])).context["results"].total == 0


def test_staff_see_which_campaigns_could_own_an_unattributed_call(admin_client):
    spring, reminder = shared_calls()
    listed = admin_client.get(RECORDS, {"could_belong_to": spring.pk})
    assert [r.voice_id for r in listed.context["cl"].result_list] == ["both"]
    page = listed.content.decode()
    assert "Spring sale, Spring sale reminder" in page or "Spring sale reminder, Spring sale" in page
    unlinked = admin_client.get(RECORDS, {"linked": "no"}).content.decode()
    assert "Task 99, not known to this site yet" in unlinked


def test_call_records_are_read_only_in_the_admin(admin_client):
    shared_calls()
    record = CallRecord.objects.get(voice_id="both")
    page = admin_client.get(reverse("admin:campaigns_callrecord_change", args=[record.pk])).content.decode()
    assert 'name="_save"' not in page and "8613800000001" in page
    assert admin_client.get(reverse("admin:campaigns_callrecord_add")).status_code == 403
