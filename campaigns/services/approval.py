"""Approval before launch: an editor asks, which locks the campaign; an approver approves and launches it
(exactly once, by the launch's own claim) or sends it back with a comment; whoever asked can withdraw.

Each step is one conditional update of the campaign's approval state, so two people acting at once
cannot both succeed; each is logged (services/activity.py)."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Campaign, CampaignEvent
from ..studio import roles
from .activity import event_record
from .campaigns import SubmitResult, campaign_problems, campaign_queue

Approval = Campaign.Approval
Status = Campaign.Status
What = CampaignEvent.What
COMMENT_MAX = 1000
PROBLEMS_LISTED = 5


class ApprovalRefused(Exception):
    """Why an approval step cannot be taken, for the person who tried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone no longer here"


def approval_request(campaign: Campaign, user) -> None:
    """Ask for `campaign` to be approved and launched. Locks it for editing until an approver sends it
    back or the asker withdraws. Refused unless it is a draft (or failed) with nothing Laaffic would refuse."""
    if not user.has_perm(roles.BUILD):
        raise ApprovalRefused("Only campaign editors and approvers can ask for approval.")
    if campaign.is_waiting_for_approval:
        raise ApprovalRefused(f"{campaign} is already waiting for approval.")
    if campaign.status not in (Status.DRAFT, Status.FAILED):
        raise ApprovalRefused(f"{campaign} has been launched already ({campaign.get_status_display()}).")
    problems = campaign_problems(campaign)
    if problems:
        listed = "; ".join(problem.message for problem in problems[:PROBLEMS_LISTED])
        more = f" (and {len(problems) - PROBLEMS_LISTED} more)" if len(problems) > PROBLEMS_LISTED else ""
        raise ApprovalRefused(f"Fix {campaign} before asking for approval: {listed}{more}")
    with transaction.atomic():
        moved = (Campaign.objects.filter(pk=campaign.pk, status__in=[Status.DRAFT, Status.FAILED])
                 .exclude(approval_state=Approval.REQUESTED)
                 .update(approval_state=Approval.REQUESTED, approval_requested_by=user,
                         approval_requested_at=timezone.now(), approval_comment="", updated_at=timezone.now()))
        if not moved:
            raise ApprovalRefused(f"{campaign} changed meanwhile; look at it again.")
        event_record(campaign, What.ASKED, user)
    campaign.refresh_from_db()


def approval_withdraw(campaign: Campaign, user) -> None:
    """The person who asked takes the request back: the campaign is theirs to edit again."""
    with transaction.atomic():
        moved = Campaign.objects.filter(pk=campaign.pk, approval_state=Approval.REQUESTED,
                                        approval_requested_by=user).update(
            approval_state=Approval.NONE, updated_at=timezone.now())
        if not moved:
            campaign.refresh_from_db()
            if not campaign.is_waiting_for_approval:
                raise ApprovalRefused(f"{campaign} is not waiting for approval any more.")
            raise ApprovalRefused(f"Only {_name(campaign.approval_requested_by)}, who asked, can withdraw the "
                                  f"request for {campaign}.")
        event_record(campaign, What.WITHDRAWN, user)
    campaign.refresh_from_db()


def approval_send_back(campaign: Campaign, user, comment: str) -> None:
    """An approver returns the campaign to whoever asked, editable, with what to change (`comment`)."""
    if not user.has_perm(roles.LAUNCH):
        raise ApprovalRefused("Only campaign approvers can send a campaign back.")
    comment = (comment or "").strip()
    if not comment:
        raise ApprovalRefused("Say what should change before sending it back.")
    if len(comment) > COMMENT_MAX:
        raise ApprovalRefused(f"Keep the comment to {COMMENT_MAX:,} characters (it has {len(comment):,}).")
    with transaction.atomic():
        moved = Campaign.objects.filter(pk=campaign.pk, approval_state=Approval.REQUESTED).update(
            approval_state=Approval.SENT_BACK, approval_comment=comment, updated_at=timezone.now())
        if not moved:
            raise ApprovalRefused(f"{campaign} is not waiting for approval any more.")
        event_record(campaign, What.SENT_BACK, user, comment)
    campaign.refresh_from_db()


def approval_approve_and_launch(campaign: Campaign, user) -> SubmitResult:
    """An approver approves the request and launches the campaign, exactly once: only the approval that
    moves it out of "requested" goes on to the launch's own claim (`campaign_queue`). A launch that is
    refused (a problem, a test call still under way) leaves the request waiting, as it was."""
    if not user.has_perm(roles.LAUNCH):
        raise ApprovalRefused("Only campaign approvers can approve and launch a campaign.")
    own_allowed = settings.APPROVE_OWN_REQUESTS
    with transaction.atomic():
        waiting = Campaign.objects.filter(pk=campaign.pk, approval_state=Approval.REQUESTED)
        if not own_allowed:
            waiting = waiting.exclude(approval_requested_by=user)
        if not waiting.update(approval_state=Approval.NONE, updated_at=timezone.now()):
            campaign.refresh_from_db()
            if campaign.is_waiting_for_approval:
                raise ApprovalRefused(f"You asked for {campaign} to be approved, so another approver has to "
                                      "approve it.")
            raise ApprovalRefused(f"{campaign} is not waiting for approval any more "
                                  f"({campaign.get_status_display().lower()}).")
        event_record(campaign, What.APPROVED, user)
        campaign.refresh_from_db()
        result = campaign_queue(campaign, user=user)
        if not result.queued:
            transaction.set_rollback(True)  # still waiting, as asked
    campaign.refresh_from_db()
    return result
