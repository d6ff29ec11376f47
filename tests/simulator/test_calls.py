"""A task's calls over time, their outcomes and records (campaigns/simulator/calls.py)."""
import json
from datetime import datetime

from campaigns.simulator import Simulator
from tests.simulator.api import all_records, send, task


def test_a_task_calls_its_numbers_over_call_seconds_and_then_finishes(
        simulator, clock, example_body):
    key_id = send(simulator, example_body)
    progress = []
    for _ in range(3):
        row = task(simulator, key_id)
        progress.append((row["status"], row["callNum"], row["rate"]))
        clock.tick(10)
    assert progress == [(1, 0, "0"), (1, 2, "50"), (2, 4, "100")]
    row = task(simulator, key_id)
    assert row["success"] + row["fail"] == row["numCnt"] == 4
    assert row["taskName"] == "Spring sale"
    assert row["createdTime"] == "2025-03-01 10:00:00"


def test_a_scheduled_task_waits_for_its_send_time_in_the_provider_zone(
        simulator, clock, example_body):
    key_id = send(simulator, example_body, send_time="2025-03-01 11:00:00")
    assert task(simulator, key_id)["status"] == 0
    clock.tick(3600 + 5)
    assert (task(simulator, key_id)["status"], task(simulator, key_id)["callNum"]) == (1, 1)
    simulator.advance(60)
    assert task(simulator, key_id)["status"] == 2


def test_records_appear_only_for_calls_that_have_ended(simulator, clock, example_body):
    send(simulator, example_body, count=4)
    clock.tick(10)
    ended = all_records(simulator)
    assert [r["callee"] for r in ended] == ["8613000000000", "8613000000001"]
    assert [json.loads(r["calledInfo"]) for r in ended] == [{"text1": "Tom 0"},
                                                            {"text1": "Tom 1"}]


def test_outcomes_follow_the_seed_and_task_name(clock):
    answered = {}
    for seed in (0, 0, 1):
        with Simulator(clock=clock, seed=seed) as simulator:
            key_id = simulator.bulk_task("Shares", 4000)
            row = task(simulator, key_id)
        answered.setdefault(seed, []).append(row["success"])
    assert answered[0][0] == answered[0][1] != answered[1][0]
    assert 0.5 < answered[0][0] / 4000 < 0.6


def test_call_records_describe_each_outcome_consistently(simulator):
    simulator.bulk_task("Mixed", 60)
    calls = all_records(simulator)
    answered = [r for r in calls if r["answerTime"]]
    unanswered = [r for r in calls if not r["answerTime"]]
    assert answered and unanswered
    for record in answered:
        assert record["terminationCode"] == "200"
        assert 5 <= record["callDuration"] <= 60
        assert record["chargedDuration"] == 60 * -(-record["callDuration"] // 60)
        assert record["cost"] == "0.0123"  # one minute at 0.0123 a minute
    for record in unanswered:
        assert record["terminationCode"] != "200"
        assert (record["callDuration"], record["cost"], record["feedbackValue"]) == (
            0, "0.0000", "-1")
    for record in calls:
        times = [record[f"{n}Time"] for n in ("submit", "call", "ringing", "answer", "hangup")]
        present = [datetime.fromisoformat(t) for t in times if t]
        assert present == sorted(present)
        assert all(t.endswith("+08:00") for t in times if t)
