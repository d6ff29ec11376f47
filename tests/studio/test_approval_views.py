"""The approval and test-call views (POST-only where they act, roles checked) and the partials the review and
campaign pages include, rendered as those pages will."""
import pytest
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from campaigns.models import Campaign, CampaignEvent, StaffProfile
from campaigns.services.approval import approval_request, approval_send_back
from tests.factories import CalleeFactory, CampaignFactory
from tests.services.test_tracking import push  # noqa: F401 (a fixture)
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.django_db
Approval, Status = Campaign.Approval, Campaign.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
PHONE = "34612345679"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(name, campaign):
    return reverse(f"studio:{name}", args=[campaign.pk])


def render_tag(tag, user, campaign=None):
    request = RequestFactory().get("/campaigns/1/edit/review/")
    request.user = user
    template = Template("{% load studio_campaigns %}" + tag)
    return template.render(RequestContext(request, {"campaign": campaign}))


def group_calls(simulator):
    return [r["body"] for r in simulator.requests if r["path"].endswith("voice/group/call/send")]


def test_an_editor_asks_and_goes_back_to_the_page_with_a_message():
    erin, campaign = editor(), CampaignFactory()
    client = logged_in(erin)
    assert client.get(url("approval_ask", campaign)).status_code == 405
    response = client.post(url("approval_ask", campaign), {"next": "/campaigns/1/edit/review/"}, follow=True)
    assert response.redirect_chain[0] == ("/campaigns/1/edit/review/", 302)
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.REQUESTED
    # a page elsewhere is never where it goes back to
    response = client.post(url("approval_withdraw", campaign), {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("studio:home")


def test_an_editor_cannot_approve_or_send_back():
    erin, campaign = editor(), CampaignFactory()
    approval_request(campaign, erin)
    client = logged_in(editor())
    for name in ("approval_approve", "approval_send_back"):
        response = client.post(url(name, campaign), {"comment": "No."})
        assert response.status_code == 403 and "approver" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.REQUESTED


def test_an_unknown_campaign_or_a_test_call_is_not_found():
    client = logged_in(approver())
    assert client.post("/campaigns/999999/approval/approve/").status_code == 404
    test = CampaignFactory(test_of=CampaignFactory(), test_key="k")
    assert client.post(url("approval_ask", test)).status_code == 404


def test_the_approver_approves_and_launches_from_the_panel(simulator, django_capture_on_commit_callbacks):
    erin, alex, campaign = editor(), approver(), CampaignFactory()
    approval_request(campaign, erin)
    client = logged_in(alex)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("approval_approve", campaign), {"next": f"/campaigns/{campaign.pk}/edit/review/"},
                               **HTMX)
    # launched, the review no longer applies: htmx goes to the campaign's page, which says what happened (only that)
    assert response.status_code == 200 and response["HX-Redirect"] == f"/campaigns/{campaign.pk}/"
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Approved and launched" in page and "can no longer be changed" not in page
    assert len(group_calls(simulator)) == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SUBMITTED
    # once launched, the panel offers nothing more
    assert 'id="approval-panel" hidden' in render_tag("{% approval_panel campaign %}", alex,
                                                      Campaign.objects.get(pk=campaign.pk))


def test_sending_back_without_a_comment_shows_the_error_on_the_comment_field():
    erin, alex, campaign = editor(), approver(), CampaignFactory()
    approval_request(campaign, erin)
    response = logged_in(alex).post(url("approval_send_back", campaign), {"comment": "  "}, **HTMX)
    page = response.content.decode()
    assert "Say what should change before sending it back." in page and 'name="comment"' in page
    assert "is-invalid" in page
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.REQUESTED
    response = logged_in(alex).post(url("approval_send_back", campaign), {"comment": "x" * 5000})
    assert Campaign.objects.get(pk=campaign.pk).approval_state == Approval.REQUESTED
    assert response.status_code == 302


def test_the_author_sees_the_comment_and_can_ask_again():
    erin, alex, campaign = editor(), approver(first_name="Alex"), CampaignFactory()
    approval_request(campaign, erin)
    logged_in(alex).post(url("approval_send_back", campaign), {"comment": "Use the <b>shop's</b> name."}, **HTMX)
    page = render_tag("{% approval_panel campaign %}", erin, Campaign.objects.get(pk=campaign.pk))
    assert "Sent back by Alex:" in page and "Use the &lt;b&gt;shop&#x27;s&lt;/b&gt; name." in page
    assert 'id="ask"' in page and 'id="approve"' not in page


def test_the_panel_offers_each_role_its_own_buttons():
    erin, alex, campaign = editor(), approver(), CampaignFactory()
    assert 'id="ask"' in render_tag("{% approval_panel campaign %}", erin, campaign)
    approval_request(campaign, erin)
    campaign.refresh_from_db()
    mine = render_tag("{% approval_panel campaign %}", erin, campaign)
    assert 'id="withdraw"' in mine and 'id="approve"' not in mine and "asked by you" in mine
    theirs = render_tag("{% approval_panel campaign %}", alex, campaign)
    assert 'id="approve"' in theirs and 'name="comment"' in theirs and 'id="withdraw"' not in theirs
    assert 'name="csrfmiddlewaretoken"' in theirs


def test_an_approvers_own_request_waits_for_another_approver():
    alex, campaign = approver(), CampaignFactory()
    approval_request(campaign, alex)
    campaign.refresh_from_db()
    page = render_tag("{% approval_panel campaign %}", alex, campaign)
    assert 'id="own-request"' in page and 'id="approve"' not in page
    response = logged_in(alex).post(url("approval_approve", campaign), **HTMX)
    assert "another approver has to approve it" in response.content.decode()


def test_home_lists_what_waits_for_my_approval_and_what_was_sent_back_to_me():
    erin, alex = editor(first_name="Erin"), approver()
    waiting, sent_back = CampaignFactory(task_name="Spring sale"), CampaignFactory(task_name="Winter sale")
    approval_request(waiting, erin)
    approval_request(sent_back, erin)
    approval_send_back(sent_back, alex, "Too long.")
    page = logged_in(alex).get(reverse("studio:home")).content.decode()
    waiting = page.split('id="waiting-for-approval"')[1].split("</section>")[0]
    assert "Waiting for my approval" in waiting and "Spring sale" in waiting and "asked by Erin" in waiting
    assert "Winter sale" not in waiting  # sent back: it is a draft again, under "Drafts to finish"
    page = logged_in(erin).get(reverse("studio:home")).content.decode()
    assert "Sent back to me" in page and "Too long." in page and "Waiting for my approval" not in page


def test_the_activity_partial_lists_who_did_what(simulator):
    erin, alex, campaign = editor(first_name="Erin"), approver(first_name="Alex"), CampaignFactory()
    approval_request(campaign, erin)
    approval_send_back(campaign, alex, "Shorter.")
    page = render_tag("{% activity_log campaign %}", erin, campaign)
    assert page.index("Asked for approval") < page.index("Sent back") and "Shorter." in page
    assert "Erin" in page and "Alex" in page and "When (UTC)" in page


@pytest.fixture
def caller():
    person = editor()
    StaffProfile.objects.create(user=person, phone_number=PHONE)
    return person


def test_call_me_first_calls_once_per_click_and_shows_the_outcome_after_the_push(
        simulator, caller, push, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(task_name="Spring sale")
    page = render_tag("{% test_call_panel campaign %}", caller, campaign)
    assert "Call me first" in page and PHONE in page
    callee = campaign.callee_list.callees.first()
    client = logged_in(caller)
    form = {"callee": callee.pk, "key": "0" * 32}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("test_call", campaign), form, **HTMX).content.decode()
        again = client.post(url("test_call", campaign), form, **HTMX).content.decode()
    assert "Calling you now as Spring sale test 1." in first and 'hx-trigger="every 3s"' in first
    assert "Already sent as Spring sale test 1" in again
    assert [body["taskName"] for body in group_calls(simulator)] == ["Spring sale test 1"]
    test = campaign.test_calls.get()
    simulator.finish(test.task_name)
    push(simulator.push_reports(simulator.tasks[test.task_name]["key_id"]))
    shown = client.get(url("test_call", campaign), **HTMX).content.decode()
    record = test.call_records.get()
    assert f"{record.get_outcome_display()}" in shown and "every 3s" not in shown
    assert CampaignEvent.objects.filter(campaign=campaign, what=CampaignEvent.What.TEST_CALLED).count() == 1


@pytest.mark.parametrize("form, error", [
    ({"callee": "", "key": "0" * 32}, "Pick whose texts the test call uses."),
    ({"callee": "not a number", "key": "0" * 32}, "Pick one of the callees offered."),
    ({"callee": "-1", "key": "0" * 32}, "Pick one of the callees offered."),
    ({"callee": "CALLEE", "key": "../../x"}, "This page is out of date"),
])
def test_a_test_call_form_with_bad_values_says_which_field(simulator, caller, form, error):
    campaign = CampaignFactory()
    if form["callee"] == "CALLEE":
        form = dict(form, callee=campaign.callee_list.callees.first().pk)
    response = logged_in(caller).post(url("test_call", campaign), form, **HTMX)
    assert response.status_code == 200 and error in response.content.decode()
    assert not campaign.test_calls.exists() and group_calls(simulator) == []


def test_a_callee_of_another_list_is_not_accepted(simulator, caller):
    campaign, stranger = CampaignFactory(), CalleeFactory()
    response = logged_in(caller).post(url("test_call", campaign), {"callee": stranger.pk, "key": "1" * 32})
    assert response.status_code == 302 and not campaign.test_calls.exists()


def test_without_a_phone_number_the_panel_says_where_to_add_it():
    page = render_tag("{% test_call_panel campaign %}", editor(), CampaignFactory())
    assert 'id="no-phone"' in page and reverse("studio:settings") in page and "<form" not in page


def test_a_launched_campaign_without_test_calls_shows_no_test_call_panel(caller):
    page = render_tag("{% test_call_panel campaign %}", caller, CampaignFactory(status=Status.SUBMITTED))
    assert page.strip() == '<section id="test-call" hidden></section>'


def test_call_me_first_offers_the_lists_first_callee_already_picked(caller):
    campaign = CampaignFactory(callees=0)
    first = CalleeFactory(callee_list=campaign.callee_list, text1="Ana")
    CalleeFactory(callee_list=campaign.callee_list, text1="Bo")
    page = render_tag("{% test_call_panel campaign %}", caller, campaign)
    assert f'<option value="{first.pk}" selected>{first.number} · text1: Ana</option>' in page
