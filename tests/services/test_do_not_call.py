"""A do-not-call number typed by hand is matched by number at submit and in previews, whatever its spelling."""
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaigns.models import Campaign, SuppressedNumber
from campaigns.services import bodies
from campaigns.services.imports import Target, import_file
from tests.factories import CalleeFactory, CampaignFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:campaigns_campaign_changelist")


@pytest.fixture
def submitter(client):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=[
        "view_campaign", "change_campaign", "submit_campaign", "add_suppressednumber", "view_suppressednumber"]))
    client.force_login(user)
    return client


def typed_do_not_call(client, number="+34 612 345 679"):
    response = client.post(reverse("admin:campaigns_suppressednumber_add"), {"number": number, "reason": "Asked"})
    assert response.status_code == 302


def test_a_number_on_the_do_not_call_list_as_typed_by_hand_is_left_out_at_submit(
        submitter, simulator, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(callees=0)
    for number in ("34612345679", "34612345680", "8613000000001"):
        CalleeFactory(callee_list=campaign.callee_list, number=number)
    typed_do_not_call(submitter)

    confirmation = submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]})
    page = confirmation.content.decode()
    assert "2 numbers from" in page and "(1 on the do-not-call list left out)" in page
    with django_capture_on_commit_callbacks(execute=True):
        submitter.post(CHANGELIST, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk],
                                    "confirm": "yes"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUBMITTED
    [sent] = [r for r in simulator.requests if r["path"].endswith("group/call/send")]
    assert [c["calleeNumber"] for c in sent["body"]["numberInfoList"]] == ["34612345680", "8613000000001"]


def test_the_import_preview_flags_a_number_on_the_do_not_call_list_as_typed_by_hand(submitter):
    typed_do_not_call(submitter, "0034 (612) 345-679")
    callee_list = CalleeFactory(number="8613000000001").callee_list
    csv = io.BytesIO(b"phone,name\n+34612345679,Ana\n34612345680,Luis\n")
    result = import_file(csv, Target(callee_list), dry_run=True)
    assert (result.report.accepted, result.report.suppressed) == (2, 1)


def test_the_left_out_count_call_again_reads_matches_a_number_typed_by_hand(submitter):
    callee_list = CalleeFactory(number="34612345679").callee_list
    CalleeFactory(callee_list=callee_list, number="34612345680")
    typed_do_not_call(submitter, "+34 612 345 679")
    assert SuppressedNumber.objects.get().number == "34612345679"
    assert bodies.suppressed_count(callee_list.pk) == 1
    assert [e["calleeNumber"] for e in bodies.callee_entries(callee_list.pk)] == ["34612345680"]
