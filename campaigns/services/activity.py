"""The activity log: one helper every service calls to append what it did (models.CampaignEvent)."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..models import CampaignEvent

What = CampaignEvent.What
DETAIL_MAX = 2000
# A builder saves a draft at every step: one person's edits this close together are one line of the log.
EDITS_MERGED_WITHIN = timedelta(minutes=15)


def event_record(campaign, what: str, user=None, detail: str = "") -> CampaignEvent | None:
    """Append `what` (CampaignEvent.What) done by `user` to `campaign`'s log. An edit following the same
    person's edit of a few minutes ago is already said, and adds nothing."""
    user_id = getattr(user, "pk", None)
    if what == What.EDITED:
        last = CampaignEvent.objects.filter(campaign_id=campaign.pk).order_by("-at", "-id").first()
        if (last is not None and last.what == What.EDITED and last.who_id == user_id
                and timezone.now() - last.at < EDITS_MERGED_WITHIN):
            return None
    return CampaignEvent.objects.create(campaign_id=campaign.pk, who_id=user_id, what=what,
                                        detail=detail[:DETAIL_MAX])
