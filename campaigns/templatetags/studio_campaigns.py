"""The campaign panels a studio page includes with one tag: `{% load studio_campaigns %}` then
`{% approval_panel campaign %}`, `{% test_call_panel campaign %}`, `{% activity_log campaign %}`,
`{% waiting_for_approval %}` (Home)."""
from django import template

from campaigns.selectors.activity import campaign_activity
from campaigns.selectors.approval import campaigns_sent_back_to, campaigns_waiting_for_approval
from campaigns.studio.views.approval import APPROVAL_PANEL, TEST_CALL_PANEL, approval_context, test_call_context

register = template.Library()


def _page(context) -> dict:
    """What a panel's forms need from the page: the request and its CSRF token."""
    return {"request": context["request"], "csrf_token": context.get("csrf_token")}


@register.inclusion_tag(APPROVAL_PANEL, takes_context=True)
def approval_panel(context, campaign):
    return {**approval_context(context["request"], campaign), **_page(context)}


@register.inclusion_tag(TEST_CALL_PANEL, takes_context=True)
def test_call_panel(context, campaign):
    return {**test_call_context(context["request"], campaign), **_page(context)}


@register.inclusion_tag("studio/campaigns/partials/activity.html")
def activity_log(campaign):
    return {"campaign": campaign, "events": campaign_activity(campaign)}


@register.inclusion_tag("studio/campaigns/partials/waiting_for_approval.html", takes_context=True)
def waiting_for_approval(context):
    user = context["request"].user
    return {"waiting": list(campaigns_waiting_for_approval(user)[:50]),
            "sent_back": list(campaigns_sent_back_to(user)[:50])}
