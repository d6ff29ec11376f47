"""The pre-submit check reads a callee list in one query, whatever its size."""
import pytest

from campaigns.models import Callee
from campaigns.services.campaigns import campaign_problems
from tests.factories import CampaignFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [10, 2000])
def test_checking_a_campaign_takes_the_same_few_queries_for_any_list_size(size, django_assert_num_queries):
    campaign = CampaignFactory(callees=0, hang_up_sms=1, sms_template=SmsTemplateFactory(content="Hi ${text2}"),
                               sms_on_ring=1)
    Callee.objects.bulk_create(
        Callee(callee_list=campaign.callee_list, number=f"8613{i:09d}", text2="x" if i else "")
        for i in range(size)
    )
    campaign.refresh_from_db()
    # the SMS template, the callee list, the task-name check
    with django_assert_num_queries(3):
        problems = campaign_problems(campaign)
    assert [p.field for p in problems] == ["numberInfoList[0].text2"]
