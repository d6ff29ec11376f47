"""A campaign's latest test call as the review shows it: its status and the call's outcome in words."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import CallRecord, Callee, Campaign
from ..services.campaigns import running_test_calls

Status = Campaign.Status
CALLEES_OFFERED = 25


@dataclass
class TestCallStatus:

    test: Campaign
    number: str  # the phone it rang
    record: CallRecord | None  # the call, once pushed or fetched
    running: bool
    summary: str


def latest_test_call(campaign: Campaign) -> TestCallStatus | None:
    test = campaign.test_calls.select_related("callee_list", "created_by").order_by("-created_at", "-pk").first()
    if test is None:
        return None
    number = Callee.objects.filter(callee_list_id=test.callee_list_id).values_list("number", flat=True).first() or ""
    record = CallRecord.objects.filter(campaign=test).order_by("-call_time", "-id").first()
    running = running_test_calls(campaign).filter(pk=test.pk).exists()
    return TestCallStatus(test, number, record, running, _summary(test, record))


def _summary(test: Campaign, record: CallRecord | None) -> str:
    if record is not None:
        said = [record.get_outcome_display()]
        if record.call_duration:
            said.append(f"{record.call_duration} s of talk")
        if record.feedback_value:
            said.append(f"key {record.feedback_value} pressed")
        return ", ".join(said) + "."
    if test.status in (Status.QUEUED, Status.SUBMITTING):
        return "Sending it to Laaffic…"
    if test.status == Status.SUBMITTED:
        if test.is_final_on_laaffic:
            return (f"Laaffic says the call is over ({test.get_provider_status_display().lower()}); "
                    "its outcome arrives with the call records.")
        return "Sent: your phone should ring in a moment."
    if test.status == Status.UNKNOWN:
        return f"No clear answer from Laaffic yet: {test.status_detail}"
    return f"Not sent: {test.status_detail}"


def test_call_callees(campaign: Campaign):
    """The callees whose texts a test call can use: the first of the campaign's list."""
    return Callee.objects.filter(callee_list_id=campaign.callee_list_id).order_by("id")[:CALLEES_OFFERED]
