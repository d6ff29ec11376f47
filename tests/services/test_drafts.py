"""Drafts as the builder keeps them (campaigns/services/drafts.py): saved only while not launched; the SMS written
on the builder's page is the campaign's own template, and a library template is never changed."""
import pytest

from campaigns.models import Campaign, SmsTemplate
from campaigns.services import drafts
from tests.factories import CalleeListFactory, CampaignFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db


def test_a_draft_starts_with_the_sites_voice_app(settings):
    settings.LAAFFIC_APP_ID = "voiceApp9"
    campaign = drafts.campaign_draft_create(task_name="Spring sale", callee_list=CalleeListFactory())
    assert (campaign.status, campaign.app_id) == (Campaign.Status.DRAFT, "voiceApp9")


@pytest.mark.parametrize("status", [Campaign.Status.QUEUED, Campaign.Status.SUBMITTING, Campaign.Status.SUBMITTED,
                                    Campaign.Status.UNKNOWN])
def test_a_campaign_on_its_way_or_sent_is_not_changed(status):
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(status=status)

    assert drafts.campaign_draft_save(campaign, {"tts_text": "Changed"}) is False
    campaign.refresh_from_db()
    assert campaign.tts_text == "Hello from the campaign test."


def test_a_draft_or_failed_campaign_is_saved():
    campaign = CampaignFactory()
    assert drafts.campaign_draft_save(campaign, {"tts_text": "Changed"}) is True
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FAILED)
    assert drafts.campaign_draft_save(campaign, {"loop_count": 3}) is True
    campaign.refresh_from_db()
    assert (campaign.tts_text, campaign.loop_count) == ("Changed", 3)


def test_the_sms_written_is_the_campaigns_own_template_changed_in_place():
    campaign = CampaignFactory(task_name="Spring sale")
    first = drafts.campaign_sms_write(campaign, sms_app_id="a1", content="Hi ${text1}", sender_id="")
    drafts.campaign_draft_save(campaign, {"sms_template": first})

    again = drafts.campaign_sms_write(campaign, sms_app_id="a1", content="Hello ${text1}", sender_id="Shop")

    assert again.pk == first.pk and again.name == "Spring sale SMS"
    assert (again.content, again.sender_id) == ("Hello ${text1}", "Shop")
    assert SmsTemplate.objects.count() == 1


def test_a_library_template_is_never_changed_by_writing_over_it():
    library = SmsTemplateFactory(name="Thanks", content="Thanks ${text1}")
    campaign = CampaignFactory(task_name="Spring sale", sms_template=library)

    written = drafts.campaign_sms_write(campaign, sms_app_id="a1", content="Hi ${text1}", sender_id="")

    assert written.pk != library.pk and written.name == "Spring sale SMS"
    library.refresh_from_db()
    assert library.content == "Thanks ${text1}"


def test_an_own_template_another_campaign_uses_too_is_not_changed_under_it():
    campaign = CampaignFactory(task_name="Spring sale")
    own = drafts.campaign_sms_write(campaign, sms_app_id="a1", content="Hi ${text1}", sender_id="")
    drafts.campaign_draft_save(campaign, {"sms_template": own})
    CampaignFactory(task_name="Spring sale again", sms_template=own)

    written = drafts.campaign_sms_write(campaign, sms_app_id="a1", content="Bye ${text1}", sender_id="")

    assert written.pk != own.pk and written.name == "Spring sale SMS (2)"
    own.refresh_from_db()
    assert own.content == "Hi ${text1}"
