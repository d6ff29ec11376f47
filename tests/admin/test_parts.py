"""The admin's face of a campaign launched in parts (the per-task limit lowered to 4 in the contract table)."""
import pytest
from django.urls import reverse

from campaigns import rules
from campaigns.models import Campaign
from tests.admin.test_campaigns import ADD_URL, CHANGELIST, editor, errors_of, form_data, submitter  # noqa: F401
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory
from tests.services.test_parts import posts

pytestmark = pytest.mark.django_db


def test_the_confirmation_says_how_many_parts_and_tasks(submitter, simulator, limit_of_4):
    campaign = CampaignFactory(callees=9, task_name="Summer")
    page = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]}).content.decode()
    assert "so the 9 numbers are sent in 3 parts, each its own task" in page
    assert "“Summer (1/3)” (4), “Summer (2/3)” (4), “Summer (3/3)” (1)" in page
    assert 'id="confirm-submit"' in page and simulator.requests == []


def test_confirming_sends_each_part_and_the_page_shows_them_with_one_progress(
        submitter, simulator, limit_of_4, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(callees=9, task_name="Summer")
    with django_capture_on_commit_callbacks(execute=True):
        response = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk],
                                               "confirm": "yes"}, follow=True)
    assert "Summer is queued for sending as 3 tasks of at most 4 numbers." in response.content.decode()
    assert [posts(simulator, f"Summer ({n}/3)") for n in (1, 2, 3)] == [1, 1, 1]
    page = submitter.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert "Launched in parts" in page and "3 parts, each its own task on Laaffic: 3 submitted." in page
    assert page.count('href="/admin/campaigns/campaign/') >= 3 and "Summer (2/3)" in page
    assert 'id="campaign-progress"' in page and 'id="results-link"' in page
    progress = submitter.get(reverse("admin:campaigns_campaign_progress", args=[campaign.pk])).json()
    assert [part["task_name"] for part in progress["parts"]] == ["Summer (1/3)", "Summer (2/3)", "Summer (3/3)"]
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PARTS


def test_a_name_too_long_for_its_parts_is_refused_on_the_name_field(editor, limit_of_4):
    callee_list = CalleeListFactory()
    for _ in range(5):
        CalleeFactory(callee_list=callee_list)
    longest = rules.FIELDS["taskName"].max_length
    response = editor.post(ADD_URL, form_data(callee_list, task_name="y" * longest))
    assert response.status_code == 200
    (message,) = errors_of(response)["task_name"]
    assert "sent as 2 tasks" in message and f"Shorten the name to {longest - 6} characters or fewer." in message
