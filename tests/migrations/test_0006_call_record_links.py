"""Migration 0006 repairs what the old linking left behind and keeps Fetch call results for editors."""
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaigns", "0005_canonical_numbers")]
SYNCED, CANCELLED = datetime(2026, 3, 1, 10, tzinfo=timezone.utc), datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_records_follow_their_task_id_finished_campaigns_get_an_end_and_editors_keep_fetching():
    old = migrate(BEFORE)
    Campaign, CallRecord, Callee = (old.get_model("campaigns", name) for name in ("Campaign", "CallRecord", "Callee"))
    Permission, Group, User = old.get_model("auth", "Permission"), old.get_model("auth", "Group"), \
        old.get_model("auth", "User")
    lists = [old.get_model("campaigns", "CalleeList").objects.create(name=name) for name in ("A", "B")]
    first, second = (Campaign.objects.create(task_name=name, app_id="a", callee_list=callees, status="submitted",
                                             task_id=task_id, provider_status=status, synced_at=SYNCED,
                                             cancel_requested_at=cancelled)
                     for name, callees, task_id, status, cancelled in (("A", lists[0], 41, 2, None),
                                                                       ("B", lists[1], 42, 4, CANCELLED)))
    callee_a = Callee.objects.create(callee_list=lists[0], number="8613800000001")
    Callee.objects.create(callee_list=lists[1], number="8613800000001")
    CallRecord.objects.create(voice_id="moved", campaign=second, task_id=41, callee_number="8613800000001",
                                      outcome="answered")  # A's call, taken by a backfill of B
    CallRecord.objects.create(voice_id="guessed", campaign=first, task_id=77,
                                        callee_number="8613800000001", outcome="busy")
    by_number = CallRecord.objects.create(voice_id="by-number", campaign=second, callee_number="8613800000001",
                                          outcome="busy")
    change = Permission.objects.get(codename="change_campaign")
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(change)
    editor, viewer = User.objects.create(username="editor"), User.objects.create(username="viewer")
    editor.user_permissions.add(change)
    viewer.user_permissions.add(Permission.objects.get(codename="view_campaign"))

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("campaigns"))
    CallRecord, Campaign = new.get_model("campaigns", "CallRecord"), new.get_model("campaigns", "Campaign")
    records = {r.voice_id: (r.campaign_id, r.callee_id) for r in CallRecord.objects.all()}
    assert records == {"moved": (first.pk, callee_a.pk), "guessed": (None, None),
                       "by-number": (second.pk, by_number.callee_id)}
    assert dict(Campaign.objects.values_list("task_name", "finished_at")) == {"A": SYNCED, "B": CANCELLED}
    holders = {(g.name, p.codename) for g in new.get_model("auth", "Group").objects.all() for p in g.permissions.all()}
    assert ("Editors", "fetch_call_results") in holders
    users = {u.username: {p.codename for p in u.user_permissions.all()}
             for u in new.get_model("auth", "User").objects.all()}
    assert "fetch_call_results" in users["editor"] and "fetch_call_results" not in users["viewer"]
