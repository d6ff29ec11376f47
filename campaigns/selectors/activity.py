"""A campaign's activity log as its page shows it."""
from ..models import Campaign, CampaignEvent


def campaign_activity(campaign: Campaign):
    """Who did what to `campaign`, and when, oldest first."""
    return CampaignEvent.objects.filter(campaign=campaign).select_related("who").order_by("at", "id")
