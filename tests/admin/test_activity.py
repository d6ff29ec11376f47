"""The activity log in the admin: operators see it, nobody (a superuser included) adds, changes or deletes a line."""
import pytest
from django.urls import reverse

from campaigns.models import Campaign, CampaignEvent
from campaigns.services.approval import approval_request
from tests.factories import CampaignFactory
from tests.studio.factories import editor

pytestmark = pytest.mark.django_db
What = CampaignEvent.What


@pytest.fixture
def event():
    campaign = CampaignFactory(task_name="Spring sale")
    approval_request(campaign, editor(username="erin"))
    return CampaignEvent.objects.get(campaign=campaign)


def test_operators_read_the_log_on_its_own_page_and_on_the_campaign(admin_client, event):
    page = admin_client.get(reverse("admin:campaigns_campaignevent_changelist")).content.decode()
    assert "Spring sale" in page and "Asked for approval" in page and "erin" in page
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[event.campaign_id])).content.decode()
    assert "Activity" in page and "Asked for approval" in page


def test_nobody_adds_changes_or_deletes_a_line_from_the_admin(admin_client, event):
    change = reverse("admin:campaigns_campaignevent_change", args=[event.pk])
    assert admin_client.get(reverse("admin:campaigns_campaignevent_add")).status_code == 403
    assert 'name="detail"' not in admin_client.get(change).content.decode()  # shown, not editable
    admin_client.post(change, {"what": What.LAUNCHED, "detail": "rewritten"})
    assert admin_client.get(reverse("admin:campaigns_campaignevent_delete", args=[event.pk])).status_code == 403
    admin_client.post(reverse("admin:campaigns_campaignevent_delete", args=[event.pk]), {"post": "yes"})
    changelist = admin_client.get(reverse("admin:campaigns_campaignevent_changelist")).content.decode()
    assert "delete_selected" not in changelist
    admin_client.post(reverse("admin:campaigns_campaignevent_changelist"),
                      {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    kept = CampaignEvent.objects.get(pk=event.pk)
    assert (kept.what, kept.detail) == (What.ASKED, "")
    # the campaign's page shows the lines without a box to delete them
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[event.campaign_id])).content.decode()
    assert "events-0-DELETE" not in page


def test_a_campaign_waiting_for_approval_is_read_only_in_the_admin(admin_client, event):
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[event.campaign_id])).content.decode()
    assert 'name="tts_text"' not in page
    assert Campaign.objects.get(pk=event.campaign_id).approval_state == Campaign.Approval.REQUESTED
