"""sync_campaigns says which campaigns it could not refresh, and exits non-zero when there is one."""
import json

import pytest

from campaigns.laaffic.client import GROUP_CALL_QUERY
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_queue, campaign_submit
from tests.commands import run
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def submitted(task_name):
    campaign = CampaignFactory(task_name=task_name)
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Campaign.Status.SUBMITTED
    return campaign


def test_every_campaign_refreshed_exits_0(simulator):
    submitted("Spring sale")
    code, out, _ = run("sync_campaigns", "--json")
    (line,) = json.loads(out)["campaigns"]
    assert code == 0 and line["task_name"] == "Spring sale" and "error" not in line
    assert line["result"].endswith("%")  # e.g. "calling, 0%"


def test_a_campaign_laaffic_did_not_answer_for_is_named_and_the_exit_is_1(simulator):
    submitted("Spring sale")
    submitted("Summer sale")
    simulator.fail_next(http_status=502, path=GROUP_CALL_QUERY)  # the first campaign's query
    code, out, _ = run("sync_campaigns", "--json")
    first, second = json.loads(out)["campaigns"]
    assert code == 1
    assert first["task_name"] == "Spring sale" and "502" in first["error"] and "result" not in first
    assert second["task_name"] == "Summer sale" and "error" not in second


def test_without_json_the_campaign_not_refreshed_is_named_on_stderr(simulator):
    submitted("Spring sale")
    simulator.fail_next(http_status=502, path=GROUP_CALL_QUERY)
    code, out, err = run("sync_campaigns")
    assert code == 1 and out == "" and err.startswith("Spring sale: not refreshed: ")


def test_nothing_to_refresh_exits_0():
    assert run("sync_campaigns") == (0, "No campaign is running or unknown.\n", "")
