"""Approval before launch: the state machine, who may do what, the lock on edits, the log of it all, and one
POST however many approvers click at once (PostgreSQL)."""
import threading

import pytest
from django.db import connection

from campaigns.models import Campaign, CampaignEvent
from campaigns.selectors.activity import campaign_activity
from campaigns.selectors.approval import (approval_panel, campaign_locked, campaigns_sent_back_to,
                                          campaigns_waiting_for_approval)
from campaigns.services.approval import (ApprovalRefused, approval_approve_and_launch, approval_request,
                                         approval_send_back, approval_withdraw)
from campaigns.services.campaigns import CampaignLocked, campaign_queue, campaign_save, campaign_submit
from tests.factories import CampaignFactory
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.django_db
Approval, Status, What = Campaign.Approval, Campaign.Status, CampaignEvent.What


def group_calls(simulator):
    return [r for r in simulator.requests if r["path"].endswith("voice/group/call/send")]


def log_of(campaign):
    return [(event.what, event.who.username if event.who else None, event.detail)
            for event in campaign_activity(campaign)]


@pytest.fixture
def people():
    return editor(username="erin"), approver(username="alex"), approver(username="bo")


def test_asking_locks_the_campaign_and_shows_it_to_approvers_but_not_to_editors(people):
    erin, alex, _ = people
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    assert campaign.approval_state == Approval.REQUESTED and campaign.approval_requested_by == erin
    assert campaign_locked(campaign) and not campaign.is_editable
    assert list(campaigns_waiting_for_approval(alex)) == [campaign]
    assert list(campaigns_waiting_for_approval(erin)) == []
    campaign.tts_text = "Changed while waiting."
    with pytest.raises(CampaignLocked, match="waiting for approval"):
        campaign_save(campaign, user=erin)
    assert Campaign.objects.get(pk=campaign.pk).tts_text == "Hello from the campaign test."


def test_a_campaign_waiting_for_approval_cannot_be_launched_directly(people, simulator):
    erin, alex, _ = people
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    result = campaign_queue(campaign, user=alex)
    assert not result.queued and "Approve and launch" in result.message
    assert Campaign.objects.get(pk=campaign.pk).status == Status.DRAFT


def test_asking_is_refused_for_a_campaign_laaffic_would_refuse(people):
    campaign = CampaignFactory(tts_text="")
    with pytest.raises(ApprovalRefused, match="Fix .* before asking"):
        approval_request(campaign, people[0])
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.NONE


def test_asking_twice_or_after_launch_is_refused(people):
    erin = people[0]
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    with pytest.raises(ApprovalRefused, match="already waiting"):
        approval_request(campaign, erin)
    launched = CampaignFactory(status=Status.SUBMITTED)
    with pytest.raises(ApprovalRefused, match="launched already"):
        approval_request(launched, erin)


def test_only_approvers_send_back_and_approve(people):
    erin, alex, _ = people
    other_editor = editor(username="ed2")
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    with pytest.raises(ApprovalRefused, match="Only campaign approvers can send"):
        approval_send_back(campaign, other_editor, "No.")
    with pytest.raises(ApprovalRefused, match="Only campaign approvers can approve"):
        approval_approve_and_launch(campaign, other_editor)
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.REQUESTED


def test_sending_back_needs_a_comment_and_returns_it_editable_to_its_author(people):
    erin, alex, _ = people
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    for empty in ("", "   "):
        with pytest.raises(ApprovalRefused, match="Say what should change"):
            approval_send_back(campaign, alex, empty)
    with pytest.raises(ApprovalRefused, match="1,000 characters"):
        approval_send_back(campaign, alex, "x" * 1001)
    approval_send_back(campaign, alex, "  Say the shop's name.  ")
    assert campaign.approval_state == Approval.SENT_BACK and campaign.approval_comment == "Say the shop's name."
    assert campaign.is_editable and not campaign_locked(campaign)
    assert list(campaigns_sent_back_to(erin)) == [campaign]
    assert approval_panel(campaign, erin).sent_back_comment == "Say the shop's name."
    with pytest.raises(ApprovalRefused, match="not waiting for approval"):
        approval_approve_and_launch(campaign, alex)


def test_only_the_asker_withdraws(people):
    erin, alex, _ = people
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    with pytest.raises(ApprovalRefused, match=f"Only {erin.first_name}, who asked, can withdraw"):
        approval_withdraw(campaign, alex)
    approval_withdraw(campaign, erin)
    assert campaign.approval_state == Approval.NONE and campaign.is_editable
    with pytest.raises(ApprovalRefused, match="not waiting for approval"):
        approval_withdraw(campaign, erin)


def test_an_approver_cannot_approve_their_own_request_by_default(people, simulator):
    _, alex, bo = people
    campaign = CampaignFactory()
    approval_request(campaign, alex)
    panel = approval_panel(campaign, alex)
    assert not panel.can_decide and panel.own_request and panel.can_withdraw
    assert list(campaigns_waiting_for_approval(alex)) == []
    with pytest.raises(ApprovalRefused, match="another approver has to approve it"):
        approval_approve_and_launch(campaign, alex)
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.REQUESTED
    assert approval_approve_and_launch(campaign, bo).queued


def test_the_setting_lets_an_approver_approve_their_own_request(people, simulator, settings):
    settings.APPROVE_OWN_REQUESTS = True
    _, alex, _ = people
    campaign = CampaignFactory()
    approval_request(campaign, alex)
    assert approval_panel(campaign, alex).can_decide
    assert list(campaigns_waiting_for_approval(alex)) == [campaign]
    result = approval_approve_and_launch(campaign, alex)
    assert result.queued and campaign.status == Status.QUEUED


def test_a_launch_refused_at_approval_leaves_the_request_waiting(people, simulator):
    erin, alex, _ = people
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    Campaign.objects.filter(pk=campaign.pk).update(tts_text="")  # broken since it was asked for
    result = approval_approve_and_launch(Campaign.objects.get(pk=campaign.pk), alex)
    assert not result.queued and "text" in result.message
    campaign.refresh_from_db()
    assert campaign.approval_state == Approval.REQUESTED and campaign.status == Status.DRAFT
    assert What.APPROVED not in [event.what for event in campaign_activity(campaign)]


def test_the_journey_is_logged_line_by_line(people, simulator):
    erin, alex, _ = people
    campaign = campaign_save(CampaignFactory.build(callee_list=CampaignFactory(callees=3).callee_list), user=erin)
    approval_request(campaign, erin)
    approval_send_back(campaign, alex, "Friendlier, please.")
    campaign.tts_text = "Hello, friend, from the campaign test."
    campaign_save(campaign, user=erin)
    approval_request(campaign, erin)
    assert approval_approve_and_launch(campaign, alex).queued
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    assert log_of(campaign) == [
        (What.CREATED, "erin", ""),
        (What.ASKED, "erin", ""),
        (What.SENT_BACK, "alex", "Friendlier, please."),
        (What.EDITED, "erin", ""),
        (What.ASKED, "erin", ""),
        (What.APPROVED, "alex", ""),
        (What.LAUNCHED, "alex", ""),
    ]
    campaign.refresh_from_db()
    assert campaign.approval_comment == "" and campaign.approval_state == Approval.NONE
    assert len(group_calls(simulator)) == 1


def test_an_editors_steps_close_together_are_one_edit_in_the_log(people):
    erin, alex, _ = people
    campaign = campaign_save(CampaignFactory.build(callee_list=CampaignFactory(callees=1).callee_list), user=erin)
    for text in ("One.", "Two.", "Three."):
        campaign.tts_text = text
        campaign_save(campaign, user=erin)
    campaign_save(campaign, user=alex)
    assert [(what, who) for what, who, _ in log_of(campaign)] == [
        (What.CREATED, "erin"), (What.EDITED, "erin"), (What.EDITED, "alex")]


def test_an_event_is_never_changed():
    event = CampaignEvent.objects.create(campaign=CampaignFactory(), what=What.CREATED)
    event.detail = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_approvals_at_once_post_the_campaign_once(simulator):
    erin = editor(username="erin")
    approvers = [approver(username=f"approver{i}") for i in range(50)]
    campaign = CampaignFactory()
    approval_request(campaign, erin)
    barrier, outcomes = threading.Barrier(50), []

    def approve(person):
        barrier.wait()
        try:
            outcomes.append(approval_approve_and_launch(Campaign.objects.get(pk=campaign.pk), person).queued)
        except ApprovalRefused as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(person,)) for person in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(True) == 1 and len(outcomes) == 50
    assert all("not waiting for approval any more" in o for o in outcomes if o is not True)
    # Outside a transaction the queued campaign's task runs at once (in-process here): one POST.
    assert len(group_calls(simulator)) == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SUBMITTED
    events = [event.what for event in campaign_activity(campaign)]
    assert events.count(What.APPROVED) == 1 and events.count(What.LAUNCHED) == 1
