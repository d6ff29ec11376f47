"""Whatever the database holds, the results page and export show it (issue 9: a pushed year 1 or
10000 was stored, and from then on its campaign's results answered 500). Values are written
straight into the database here, past the push's checks."""
import csv
import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from campaigns.laaffic.records import EARLIEST_TIME
from campaigns.models import LATEST_RECORD_TIME, RECORD_TIMES, CallRecord, Campaign
from tests.factories import CalleeFactory, CampaignFactory

UTC = timezone.utc
LAST = LATEST_RECORD_TIME - timedelta(microseconds=1)
ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"]  # +14 and -12: the edges of the clock


def record(campaign, voice_id, **fields):
    return CallRecord(**{"voice_id": voice_id, "campaign": campaign, "callee_number": "8613899999999",
                         "outcome": "answered", **fields})


def extreme_records(campaign):
    numbers = {name: CalleeFactory(callee_list=campaign.callee_list, number=f"861380000000{i}", text1="<b>Ann</b>")
               for i, name in enumerate(["earliest", "latest", "largest", "smallest"])}
    odd = "\u202e<script>alert(1)</script>=cmd|' /C calc'!A0 😀 " * 5
    records = [
        record(campaign, "earliest", **{name: EARLIEST_TIME for name in RECORD_TIMES}),
        record(campaign, "latest", **{name: LAST for name in RECORD_TIMES}),
        record(campaign, "largest", call_duration=2**31 - 1, charged_duration=2**31 - 1, ring_duration=2**31 - 1,
               call_status=2**15 - 1, task_id=2**63 - 1, cost=Decimal("999999.999999"), currency="<b>€€€€"),
        record(campaign, "smallest", call_duration=0, call_status=-2**15, task_id=0, cost=Decimal("-999999.999999"),
               currency="", outcome="failed"),
        record(campaign, "tiny cost", cost=Decimal("0.000001"), outcome="voicemail", feedback_value="=1+1"),
        record(campaign, "<i>" + "v" * 61, callee_number="=HYPERLINK(\"x\",\"y\")"[:20], display_number="+-=@",
               termination_code="<>&\"'", termination_reason=odd[:200], feedback_value="<i>", outcome="weird"),
        record(campaign, "empty", callee_number="", outcome="no_answer"),
    ]
    for call in records:
        call.callee = numbers.get(call.voice_id)
        call.callee_number = call.callee.number if call.callee else call.callee_number
    if connection.vendor == "sqlite":  # PostgreSQL refuses NUL in text itself
        records.append(record(campaign, "nul\x00", callee_number="86\x001", termination_reason="a\x00b"))
    CallRecord.objects.bulk_create(records)
    return records


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ZONES)
def test_the_results_page_and_export_show_every_value_the_database_holds(admin_client, settings, zone):
    settings.TIME_ZONE = zone
    campaign = CampaignFactory(callees=0, status=Campaign.Status.SUBMITTED, task_id=1)
    stored = extreme_records(campaign)
    results = reverse("admin:campaigns_campaign_results", args=[campaign.pk])

    for query in ["", "?outcome=answered", "?outcome=weird", "?page=999999", "?page=-1", "?page=x"]:
        page = admin_client.get(results + query)
        assert page.status_code == 200, query
    page = admin_client.get(results).content.decode()
    assert f"{len(stored)}<small>calls reported</small>" in page
    assert "2147483647" in page and "999999.999999 &lt;b&gt;€€€€" in page and "<script>" not in page

    export = admin_client.get(reverse("admin:campaigns_campaign_results_csv", args=[campaign.pk]))
    assert export.status_code == 200
    reader = csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
    reader.fieldnames = [name.removesuffix(f" ({zone})") for name in reader.fieldnames]  # times name their zone
    rows = {row["voiceId"]: row for row in reader}
    assert set(rows) == {"earliest", "latest", "largest", "smallest"}
    assert (rows["largest"]["talkSeconds"], rows["largest"]["cost"]) == ("2147483647", "999999.999999")
    assert rows["smallest"]["cost"] == "-999999.999999"  # a plain number: the formula guard leaves it alone
    assert rows["earliest"]["callTime"] and rows["latest"]["hangupTime"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", RECORD_TIMES)
@pytest.mark.parametrize("moment", [datetime(1, 1, 1, tzinfo=UTC), EARLIEST_TIME - timedelta(microseconds=1),
                                    LATEST_RECORD_TIME, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)])
def test_the_database_refuses_a_call_time_no_page_could_show(name, moment):
    with pytest.raises(IntegrityError), transaction.atomic():
        record(None, "x", **{name: moment}).save()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["infinity", "-infinity", "10000-01-01 00:00:00+00", "0001-01-01 00:00:00+00 BC"])
def test_postgresql_refuses_times_python_cannot_even_read(moment):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_insert_sql(), ["x", moment])


POISON = {"postgresql": ["10000-01-01 00:00:00+00", "0001-12-31 10:00:00+00 BC", "infinity"],
          "sqlite": ["10000-01-01 00:00:00", "0001-01-01 00:00:00", "2019-12-31 23:59:59"]}


def _insert_sql() -> str:
    return (f"INSERT INTO {CallRecord._meta.db_table} (voice_id, callee_number, display_number, termination_code, "
            "termination_reason, outcome, feedback_value, currency, updated_at, call_time) "
            "VALUES (%s, '1', '', '', '', 'failed', '', '', CURRENT_TIMESTAMP, %s)")


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_the_times_a_page_could_not_show_and_lists_them(capsys):
    executor = MigrationExecutor(connection)
    target = next(key for key in executor.loader.graph.nodes if key[1].endswith("_call_record_time_range"))
    executor.migrate([parent.key for parent in executor.loader.graph.node_map[target].parents])
    try:
        poison = POISON[connection.vendor]
        with connection.cursor() as cursor:
            for i, moment in enumerate(poison):
                cursor.execute(_insert_sql(), [f"poison{i}", moment])
            cursor.execute(_insert_sql(), ["fine", "2025-03-01 02:00:35+00" if connection.vendor == "postgresql"
                                           else "2025-03-01 02:00:35"])
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT voice_id, call_time IS NULL FROM {CallRecord._meta.db_table} ORDER BY voice_id")
            cleared = dict(cursor.fetchall())
        assert cleared == {"fine": False, **{f"poison{i}": True for i in range(len(poison))}}
        assert "call_time cleared on 3 call record(s)" in capsys.readouterr().out
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
