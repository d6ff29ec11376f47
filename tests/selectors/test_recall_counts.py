"""Call again's plans counted in SQL decide exactly what they decided when every number was read into Python
(tests/selectors/recalls_in_python.py): same counts, texts and choice of resend, and the same callees for a
new group call, on generated lists, call records and do-not-call lists, for a run, a resend and a campaign
launched in parts."""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings, strategies as st

from campaigns.laaffic.codes import ProviderStatus
from campaigns.models import CallRecord, Campaign, SuppressedNumber
from campaigns.selectors.recalls import recall_plans
from tests.factories import CalleeFactory, CampaignFactory
from tests.selectors import recalls_in_python

pytestmark = pytest.mark.django_db
NUMBERS = [f"86130000000{i:02d}" for i in range(12)]  # few, so that lists, records and the do-not-call list meet
OUTCOMES = CallRecord.Outcome.values
counts = st.none() | st.integers(min_value=0, max_value=len(NUMBERS) + 2)

cases = st.fixed_dictionaries({
    "listed": st.lists(st.sampled_from(NUMBERS), unique=True, max_size=len(NUMBERS)),
    # (number, outcome, part): a number may have several calls, and calls of numbers not on the list
    "records": st.lists(st.tuples(st.sampled_from(NUMBERS), st.sampled_from(OUTCOMES), st.integers(0, 1)),
                        max_size=20),
    "blocked": st.lists(st.sampled_from(NUMBERS), unique=True, max_size=5),
    "kind": st.sampled_from(["run", "resend", "parts"]),
    "numbers_total": counts, "numbers_called": counts, "numbers_failed": counts,
})


def parent_of(case) -> Campaign:
    status = Campaign.Status.PARTS if case["kind"] == "parts" else Campaign.Status.SUBMITTED
    first = CampaignFactory(callees=0, status=status, provider_status=ProviderStatus.FINISHED,
                            numbers_total=case["numbers_total"], numbers_called=case["numbers_called"],
                            numbers_failed=case["numbers_failed"])
    for number in case["listed"]:
        CalleeFactory(callee_list=first.callee_list, number=number)
    parent, holders = first, [first, first]
    if case["kind"] == "resend":  # Laaffic's resend of the first run: the same list, its own records
        parent = CampaignFactory(callees=0, callee_list=first.callee_list, parent=first,
                                 status=Campaign.Status.SUBMITTED, provider_status=ProviderStatus.FINISHED,
                                 numbers_total=case["numbers_total"], numbers_called=case["numbers_called"],
                                 numbers_failed=case["numbers_failed"])
        holders = [parent, parent]
        CallRecord.objects.create(voice_id="first-run", campaign=first, callee_number=NUMBERS[0],
                                  outcome=CallRecord.Outcome.ANSWERED)  # the first run's calls are not its own
    elif case["kind"] == "parts":
        holders = [CampaignFactory(callees=0, part_of=first, part_number=n + 1) for n in range(2)]
    for i, (number, outcome, part) in enumerate(case["records"]):
        CallRecord.objects.create(voice_id=f"v{i}", campaign=holders[part], callee_number=number, outcome=outcome)
    SuppressedNumber.objects.bulk_create(SuppressedNumber(number=number) for number in case["blocked"])
    return Campaign.objects.select_related("callee_list", "parent").get(pk=parent.pk)


def decided(plan, callees):
    return (plan.count, plan.resend, plan.details, plan.refusal, plan.summary, callees or [])


def case_of(listed, records, blocked=(), kind="run", total=None, called=None, failed=None):
    return dict(listed=[NUMBERS[i] for i in listed], records=[(NUMBERS[i], outcome, part) for i, outcome, part in records],
                blocked=[NUMBERS[i] for i in blocked], kind=kind, numbers_total=total, numbers_called=called,
                numbers_failed=failed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases)
# As many left as numbers called without an answer, one of them never called (a record of a number not listed)
@example(case=case_of([0, 1], [(0, "no_answer", 0), (2, "no_answer", 0)], total=2, called=2, failed=2))
# A resend's run is the numbers it called: the blocked numbers it did not call do not count
@example(case=case_of([0, 1, 2], [(0, "no_answer", 0), (1, "answered", 0)], blocked=[0, 2], kind="resend",
                      total=2, called=2, failed=1))
# Not every result in: a blocked number reached is no reason to wait, one not reached is
@example(case=case_of([0, 1, 2], [(1, "answered", 0)], blocked=[1], total=3, called=3, failed=1))
@example(case=case_of([0, 1, 2], [(1, "busy", 1)], blocked=[1], kind="parts", total=3, called=3, failed=1))
def test_the_counts_decide_as_the_numbers_read_in_python(case):
    assert_same_plans(case)


def test_the_cases_reach_every_kind_of_decision():
    """The comparison is not vacuous: hand-made cases reach a resend, a new group call and each refusal."""
    kinds = set().union(*(assert_same_plans(case) for case in (
        case_of([0, 1, 2, 3], [(0, "no_answer", 0), (1, "answered", 0), (2, "no_answer", 0), (3, "answered", 0)],
                blocked=[0], total=4, called=4, failed=2),
        case_of([0, 1, 2], [(0, "no_answer", 0), (1, "no_answer", 0), (2, "no_answer", 0)], total=3, called=3, failed=3),
        case_of([0, 1, 2, 3], [(0, "no_answer", 0)], blocked=[3], total=4, called=3, failed=2),
        case_of([0, 1], [(0, "answered", 0), (1, "answered", 1)], kind="parts", total=2, called=2, failed=0),
    )))
    assert kinds >= {"resend", "new group call", "nobody left", "results missing"}


def assert_same_plans(case) -> set[str]:
    """Both plans of the case's parent, counted and read in Python, are the same; what they decided."""
    kinds = set()
    with transaction.atomic():
        parent = parent_of(case)
        counted, read = recall_plans(parent), recalls_in_python.recall_plans(parent)
        for failed_only in (True, False):
            new, old = counted[failed_only], read[failed_only]
            callees = list(new.callees.values_list("id", flat=True)) if new.callees is not None else []
            assert decided(new, callees) == decided(old, old.callees), (failed_only, case)
            kinds.add("resend" if new.resend else "new group call" if callees else
                      "nobody left" if new.count == 0 else "results missing")
        transaction.set_rollback(True)
    return kinds
