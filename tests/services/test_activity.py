"""The activity log is written by the services themselves: launch, cancel, call again, load."""
import pytest

from campaigns.models import Campaign, CampaignEvent
from campaigns.selectors.activity import campaign_activity
from campaigns.services.campaigns import campaign_load, campaign_queue, campaign_submit
from campaigns.services.tracking import campaign_call_again, campaign_cancel
from tests.factories import CampaignFactory
from tests.services.test_recall import ANSWERED, NOT_ANSWERED, finished
from tests.studio.factories import approver

pytestmark = pytest.mark.django_db
What = CampaignEvent.What


def lines(campaign):
    return [(event.what, event.who.username if event.who else None) for event in campaign_activity(campaign)]


def test_launching_and_cancelling_are_logged_with_who_did_it(simulator):
    alex = approver(username="alex")
    running = CampaignFactory()
    assert campaign_queue(running, user=alex).queued and campaign_submit(running.pk).status == "submitted"
    assert campaign_cancel(Campaign.objects.get(pk=running.pk), user=alex).ok
    assert lines(running) == [(What.LAUNCHED, "alex"), (What.CANCELLED, "alex")]


def test_a_refused_cancel_is_not_logged(simulator):
    campaign = finished(simulator, [NOT_ANSWERED])
    assert not campaign_cancel(campaign, user=approver()).ok
    assert What.CANCELLED not in [what for what, _ in lines(campaign)]


def test_calling_again_is_logged_on_both_runs(simulator):
    alex = approver(username="alex")
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED])
    child, plan, result = campaign_call_again(parent, "Second try", failed_only=True, user=alex)
    assert result.queued
    assert lines(parent)[-1] == (What.CALLED_AGAIN, "alex")
    assert "Second try" in campaign_activity(parent).last().detail
    assert lines(child) == [(What.CREATED, "alex"), (What.LAUNCHED, "alex")]


def test_loading_a_body_logs_its_creation(example_body):
    campaign = campaign_load(example_body, user=approver(username="alex"))
    assert lines(campaign) == [(What.CREATED, "alex")]
