"""Draft campaigns as the studio's builder keeps them: created from a task name and a list, then saved a
step at a time, only while nobody has launched them."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import CalleeList, Campaign, SmsTemplate
from .activity import What, event_record
from .campaigns import free_name

EDITABLE = (Campaign.Status.DRAFT, Campaign.Status.FAILED)


@transaction.atomic
def campaign_draft_create(*, task_name: str, callee_list: CalleeList, user=None, **values) -> Campaign:
    """A new draft with the site's voice app and the contract table's defaults; the activity log says who."""
    values.setdefault("app_id", settings.LAAFFIC_APP_ID)
    campaign = Campaign.objects.create(task_name=task_name, callee_list=callee_list, created_by=user, **values)
    event_record(campaign, What.CREATED, user)
    return campaign


def campaign_draft_save(campaign: Campaign, values: dict, *, user=None) -> bool:
    """Store `values` (model field -> value) on a campaign that is still a draft (or failed) and not waiting
    for approval; False, and nothing stored, otherwise: what went out, or what an approver is looking at,
    is not changed underneath."""
    editable = Campaign.objects.filter(pk=campaign.pk, status__in=EDITABLE).exclude(
        approval_state=Campaign.Approval.REQUESTED)
    if not values:
        return editable.exists()
    with transaction.atomic():
        saved = editable.update(**values, updated_at=timezone.now())
        if saved:
            event_record(campaign, What.EDITED, user)
    if saved:
        for name, value in values.items():
            setattr(campaign, name, value)
    return bool(saved)


def own_sms_name(campaign: Campaign) -> str:
    return f"{campaign.task_name} SMS"


@transaction.atomic
def campaign_sms_write(campaign: Campaign, *, sms_app_id: str, content: str, sender_id: str) -> SmsTemplate:
    """The SMS written on the builder's page: the campaign's own template, changed in place; a template
    picked from the library is never changed, a new one named after the task is made instead."""
    template = campaign.sms_template
    values = {"sms_app_id": sms_app_id, "content": content, "sender_id": sender_id}
    if template is not None and all(getattr(template, k) == v for k, v in values.items()):
        return template
    if template is not None and template.name.startswith(own_sms_name(campaign)) and not (
            template.campaigns.exclude(pk=campaign.pk).exists()):
        SmsTemplate.objects.filter(pk=template.pk).update(**values)
        template.refresh_from_db()
        return template
    return SmsTemplate.objects.create(name=free_name(SmsTemplate, own_sms_name(campaign)), **values)
