"""Approval as pages show it: whether a campaign is locked, what waits for whom, what a person may do."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from ..models import Campaign, CampaignEvent
from ..services.campaigns import campaign_edit_refusal
from ..studio import roles

Approval = Campaign.Approval


def campaign_locked(campaign: Campaign) -> bool:
    """Whether the builder must refuse edits: the campaign waits for approval (or was launched)."""
    return bool(campaign_edit_refusal(campaign))


def campaigns_waiting_for_approval(user):
    """For Home: the campaigns `user` can approve, oldest request first (none for an editor). Their own
    requests only when APPROVE_OWN_REQUESTS allows approving them."""
    if not user.has_perm(roles.LAUNCH):
        return Campaign.objects.none()
    waiting = Campaign.objects.filter(approval_state=Approval.REQUESTED, test_of__isnull=True)
    if not settings.APPROVE_OWN_REQUESTS:
        waiting = waiting.exclude(approval_requested_by=user)
    return (waiting.select_related("approval_requested_by", "callee_list")
            .order_by("approval_requested_at", "pk"))


def campaigns_sent_back_to(user):
    """For Home: the campaigns sent back to `user` with a comment, latest first."""
    return (Campaign.objects.filter(approval_state=Approval.SENT_BACK, approval_requested_by=user)
            .order_by("-updated_at", "-pk"))


@dataclass
class ApprovalPanel:
    """What the approval panel offers `user` on `campaign`."""

    campaign: Campaign
    can_ask: bool
    can_withdraw: bool
    can_decide: bool  # approve and launch, or send back
    own_request: bool  # `user` asked and may not approve it themselves
    sent_back_comment: str
    sent_back_by: str  # who sent it back, when it was
    sent_back_to_user: bool  # `user` asked, so the comment is for them
    approver: bool  # `user` can launch (asking is then a second pair of eyes, not the way to launch)

    @property
    def shown(self) -> bool:
        return self.can_ask or self.campaign.is_waiting_for_approval or bool(self.sent_back_comment)


def approval_panel(campaign: Campaign, user) -> ApprovalPanel:
    waiting = campaign.is_waiting_for_approval
    launchable = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.FAILED) and campaign.test_of_id is None
    asked_by_user = campaign.approval_requested_by_id == user.pk
    approver = user.has_perm(roles.LAUNCH)
    own = waiting and asked_by_user and not settings.APPROVE_OWN_REQUESTS
    sent_back = campaign.approval_state == Approval.SENT_BACK
    return ApprovalPanel(
        campaign=campaign,
        # An approver may ask too (a second pair of eyes), but not for a campaign sent back to someone else.
        can_ask=launchable and not waiting and user.has_perm(roles.BUILD)
        and not (approver and sent_back and not asked_by_user),
        can_withdraw=waiting and asked_by_user,
        can_decide=waiting and approver and not own,
        own_request=own and approver,
        sent_back_comment=campaign.approval_comment if sent_back else "",
        sent_back_by=_sent_back_by(campaign) if sent_back else "",
        sent_back_to_user=sent_back and asked_by_user,
        approver=approver,
    )


def _sent_back_by(campaign: Campaign) -> str:
    event = (CampaignEvent.objects.filter(campaign=campaign, what=CampaignEvent.What.SENT_BACK)
             .select_related("who").order_by("-at", "-id").first())
    who = event.who if event else None
    return (who.get_full_name() or who.get_username()) if who else "an approver"
