"""The commands that follow a campaign after launch, one after another on one campaign:
sync_campaigns, campaign_status, cancel_campaign, recall_campaign and export_results."""
import csv
import io
import json

import pytest
from django.core.management import CommandError

from campaigns.models import Campaign
from tests.commands import run
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_tracking_commands_report_sync_status_cancel_and_results(simulator):
    from campaigns.models import ProviderStatus

    campaign = CampaignFactory(callees=3)
    run("submit_campaign", campaign.task_name)
    code, out, _ = run("sync_campaigns", "--json")
    assert code == 0 and json.loads(out)["campaigns"][0]["task_name"] == campaign.task_name
    code, out, _ = run("campaign_status", campaign.task_name, "--json")
    line = json.loads(out)
    assert line["status"] == "submitted" and line["numbers"] == 3
    assert set(line) == {"task_name", "status", "provider_status", "key_id", "task_id", "progress", "numbers",
                         "called", "success", "fail"}
    assert run("cancel_campaign", campaign.task_name)[0] == 0
    assert Campaign.objects.get(pk=campaign.pk).provider_status == ProviderStatus.CANCELLED
    # Cancelled before any call: nobody was reached, and Laaffic's own resend would call nobody.
    code, out, _ = run("recall_campaign", campaign.task_name, "--task-name", "Again", "--failed-only")
    assert code == 0 and "Again: Submitted. 3 numbers: 3 never called. Sent as a new group call" in out
    code, out, _ = run("recall_campaign", campaign.task_name, "--task-name", "Again 2")
    assert code == 0 and "3 numbers: Every number of the first run. Laaffic calls them again" in out
    _, out, _ = run("export_results", campaign.task_name)
    assert out.splitlines()[0].startswith("\ufeffcalleeNumber,text1") and len(out.splitlines()) == 4


def test_export_results_writes_times_in_the_zone_asked_for_or_the_sites(settings):
    from campaigns.laaffic import records
    from campaigns.services.tracking import call_records_ingest

    settings.TIME_ZONE = "Asia/Tokyo"
    campaign = CampaignFactory(callees=1, task_id=901)
    call_records_ingest([records.parse_record({
        "voiceId": "v1", "taskId": 901, "callee": campaign.callee_list.callees.get().number,
        "callTime": 1764300000000, "callStatus": 20})])  # 2025-11-28 03:20 UTC
    rows = [dict(zip(*csv.reader(io.StringIO(run("export_results", campaign.task_name, *zone)[1][1:]))))
            for zone in ([], ["--time-zone", "America/New_York"])]
    assert rows[0]["callTime (Asia/Tokyo)"] == "2025-11-28 12:20:00"
    assert rows[1]["callTime (America/New_York)"] == "2025-11-27 22:20:00"
    assert rows[0]["callStatus"] == "Rang, not answered (no pick-up)" and rows[0]["outcome"] == "No answer"
    with pytest.raises(CommandError, match="not a time zone name"):
        run("export_results", campaign.task_name, "--time-zone", "Mars/Olympus")
