"""submit_campaign: a campaign sent now, once, with Laaffic's answer as JSON and the exit code."""
import json

import pytest

from tests.commands import run
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_submit_campaign_json_reports_the_key_id(simulator):
    campaign = CampaignFactory()
    code, out, _ = run("submit_campaign", campaign.task_name, "--json")
    line = json.loads(out)
    assert code == 0
    assert line == {"task_name": campaign.task_name, "status": "submitted",
                    "key_id": str(simulator.tasks[campaign.task_name]["key_id"]), "code": "0",
                    "message": f"Accepted by Laaffic with key ID {line['key_id']}."}


def test_submit_campaign_exits_1_with_the_providers_reason(simulator):
    simulator.fail_next(code="-46")
    campaign = CampaignFactory()
    code, out, _ = run("submit_campaign", campaign.task_name, "--json")
    line = json.loads(out)
    assert code == 1 and line["status"] == "failed" and line["code"] == "-46"
    assert line["key_id"] == ""


def test_submit_campaign_refuses_an_already_submitted_campaign(simulator):
    campaign = CampaignFactory()
    run("submit_campaign", campaign.task_name)
    code, out, _ = run("submit_campaign", campaign.task_name, "--json")
    assert code == 0 and "never sent twice" in json.loads(out)["message"]
    assert len(simulator.requests) == 1


def test_submit_campaign_sends_a_long_list_in_parts_and_exits_0_once_each_is_accepted(simulator, limit_of_4):
    campaign = CampaignFactory(callees=6, task_name="Long")
    simulator.fail_next(code="-46")
    code, out, _ = run("submit_campaign", "Long", "--json")
    line = json.loads(out)
    assert (code, line["status"]) == (1, "parts")
    assert line["message"].startswith("Long (1/2): ") and "Long (2/2): Accepted by Laaffic" in line["message"]
    code, out, _ = run("submit_campaign", "Long", "--json")  # only the refused part goes again
    assert code == 0 and json.loads(out)["message"].startswith("Long (1/2): Accepted by Laaffic")
    assert sorted(simulator.tasks) == ["Long (1/2)", "Long (2/2)"]
    assert len([r for r in simulator.requests if r["path"].endswith("group/call/send")]) == 3
