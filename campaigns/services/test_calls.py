"""A test call: a campaign sent to one staff member's own phone before the customers get it.

It is its own small campaign (`Campaign.test_of`), on a list of one number, so it is sent, followed and
reported like any campaign (the claim, the sync, the push and the backfill) while its call stays out of
the tested campaign's progress and results. A click carries a key: the same key never sends twice."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from .. import rules
from ..importers import phones
from ..models import Callee, CalleeList, Campaign, CampaignEvent, StaffProfile
from ..studio import roles
from .activity import event_record
from .campaigns import campaign_problems, campaign_queue, free_name, running_test_calls

Status = Campaign.Status
KEY_MAX = Campaign._meta.get_field("test_key").max_length
TASK_NAME_MAX = rules.FIELDS["taskName"].max_length
# The tested campaign's settings except its name and when it calls: a test call rings now.
COPIED = set(Campaign.SETTINGS_FIELDS) - {"task_name", "send_time", "calling_windows", "callee_list"}


class TestCallRefused(Exception):

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def test_call_name(campaign: Campaign) -> str:
    """`<name> test N`: the first N no campaign is named, the name cut to fit Laaffic's limit."""
    n = campaign.test_calls.count() + 1
    while True:
        suffix = f" test {n}"
        name = campaign.task_name[:TASK_NAME_MAX - len(suffix)] + suffix
        if not Campaign.objects.filter(task_name=name).exists():
            return name
        n += 1


def test_call_send(campaign: Campaign, user, callee: Callee, key: str) -> tuple[Campaign, bool]:
    """Send `campaign` to `user`'s own phone with `callee`'s texts, once per `key` (one per click).

    Returns the test call and whether this call sent it (False: that click was already sent). Raises
    TestCallRefused with what to do: no phone number, a callee of another list, a launched campaign, a test
    call still under way, or what Laaffic would refuse about the test call."""
    if not user.has_perm(roles.BUILD):
        raise TestCallRefused("Only campaign editors and approvers can make test calls.")
    if not key or len(key) > KEY_MAX:
        raise TestCallRefused("This page is out of date: reload it and click Call me first again.")
    earlier = Campaign.objects.filter(test_key=key).first()
    if earlier is not None:
        return _same_click(campaign, earlier)
    if campaign.test_of_id is not None:
        raise TestCallRefused(f"{campaign} is itself a test call.")
    if campaign.status not in (Status.DRAFT, Status.FAILED):
        raise TestCallRefused(f"{campaign} has been launched already; test calls are for before the launch.")
    if callee.callee_list_id != campaign.callee_list_id:
        raise TestCallRefused(f"Pick a callee of {campaign.callee_list}, the campaign's list.")
    number = StaffProfile.objects.filter(user=user).values_list("phone_number", flat=True).first()
    if not number:
        raise TestCallRefused("Add your phone number in Settings first: the test call rings it.")
    problem = phones.number_problem(number)
    if problem:
        raise TestCallRefused(f"Your phone number in Settings cannot be called: {problem}")
    running = running_test_calls(campaign).select_related("created_by").first()
    if running is not None:
        who = running.created_by.get_username() if running.created_by else "someone"
        raise TestCallRefused(f"The test call {running} (by {who}) is still under way: wait for its outcome.")
    try:
        with transaction.atomic():
            test = _create(campaign, user, callee, number, key)
            problems = campaign_problems(test)
            if problems:
                listed = "; ".join(p.message for p in problems[:3])
                raise TestCallRefused(f"The test call cannot be sent: {listed}")
            result = campaign_queue(test, user=user)
            if not result.queued:
                raise TestCallRefused(result.message)
            event_record(campaign, CampaignEvent.What.TEST_CALLED, user,
                         f"To {number} with the texts of {callee.number}, as {test.task_name}.")
    except IntegrityError:  # the same click, sent at this very moment by another request
        earlier = Campaign.objects.filter(test_key=key).first()
        if earlier is None:
            raise
        return _same_click(campaign, earlier)
    return test, True


def _same_click(campaign: Campaign, earlier: Campaign) -> tuple[Campaign, bool]:
    if earlier.test_of_id != campaign.pk:
        raise TestCallRefused("This page is out of date: reload it and click Call me first again.")
    return earlier, False


def _create(campaign: Campaign, user, callee: Callee, number: str, key: str) -> Campaign:
    values = {f.attname: getattr(campaign, f.attname) for f in Campaign._meta.concrete_fields if f.name in COPIED}
    task_name = test_call_name(campaign)
    callee_list = CalleeList.objects.create(
        name=free_name(CalleeList, f"{task_name} (test call)"),
        description=f"The test call of {campaign} to {user.get_username()}'s phone.")
    Callee.objects.create(callee_list=callee_list, number=number,
                          **{name: getattr(callee, name) for name in rules.TEXT_FIELDS})
    return Campaign.objects.create(**values, task_name=task_name, callee_list=callee_list, calling_windows=[],
                                   test_of=campaign, test_key=key, created_by=user)
