"""The studio's campaign pages: one status in words, the campaigns page, a campaign's page with cancel,
call again, results and exports; who may do what, and hostile addresses answered 404."""
import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CallRecord, Campaign, ImportJob, ProviderStatus, SuppressedNumber
from campaigns.selectors.status import campaign_status, draft_problems
from campaigns.services.campaigns import campaign_queue, campaign_submit
from campaigns.services.tracking import campaign_sync
from tests.factories import CalleeFactory, CampaignFactory
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.django_db
Status = Campaign.Status
HOME, CAMPAIGNS = reverse("studio:home"), reverse("studio:campaigns")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def ran(status=Status.SUBMITTED, provider=ProviderStatus.CALLING, total=10_000, called=4_210, success=2_600,
        **fields):
    return CampaignFactory(status=status, provider_status=provider, numbers_total=total, numbers_called=called,
                           numbers_success=success, numbers_failed=(called or 0) - (success or 0), task_id=7,
                           progress=100 * (called or 0) / total if total else None, **fields)


def words(campaign, problems=None):
    return campaign_status(campaign, problems).text


# One status in words


def test_a_draft_says_how_many_things_are_left_to_fix_and_which():
    ready = CampaignFactory(task_name="Ready")
    two = CampaignFactory(task_name="Two problems", tts_text="", callees=0)
    problems = draft_problems([ready, two])
    assert words(ready, problems[ready.pk]) == "Draft – ready for review"
    assert words(two, problems[two.pk]) == "Draft – 2 things to fix"
    assert {p.field for p in problems[two.pk]} == {"text", "numberInfoList"}
    assert "no phone numbers" in " ".join(p.message for p in problems[two.pk])


def test_drafts_are_checked_in_two_queries_however_many_there_are(django_assert_num_queries):
    drafts = [CampaignFactory(task_name=f"Draft {n}", callees=n % 2) for n in range(8)]
    with django_assert_num_queries(2):  # the lists' sizes, and the campaigns named like them
        problems = draft_problems(drafts)
    assert [bool(problems[d.pk]) for d in drafts] == [n % 2 == 0 for n in range(8)]


def test_every_state_reads_as_one_sentence(settings):
    settings.TIME_ZONE = "UTC"
    tomorrow = timezone.now() + timedelta(days=1)
    cases = [
        (CampaignFactory(status=Status.QUEUED), "Launching – waiting to be sent to Laaffic"),
        (CampaignFactory(status=Status.SUBMITTING), "Launching – being sent to Laaffic"),
        (ran(provider=None, total=None, called=None, success=None), "Launched – waiting for Laaffic's first report"),
        (ran(provider=ProviderStatus.WAITING, called=0, success=0, send_time=tomorrow),
         f"Waiting for its start at {tomorrow:%H:%M} on {tomorrow:%-d %b %Y}"),
        (ran(provider=ProviderStatus.WAITING, called=0, success=0), "Waiting to start on Laaffic"),
        (ran(), "Calling – 4,210 of 10,000 called"),
        (ran(provider=ProviderStatus.PAUSED), "Paused on Laaffic – 4,210 of 10,000 called"),
        (ran(provider=ProviderStatus.FINISHED, called=10_000, success=6_200), "Finished – 62% answered"),
        (ran(provider=ProviderStatus.CANCELLED), "Cancelled – 4,210 of 10,000 called"),
        (ran(provider=ProviderStatus.SUBMISSION_FAILED, called=0, success=0), "Failed on Laaffic – nothing was called"),
        (CampaignFactory(status=Status.FAILED, status_detail="Laaffic refused the caller ID."),
         "Failed – not sent: fix it and launch it again"),
        (CampaignFactory(status=Status.UNKNOWN), "Not sure it was sent – check before launching again"),
        (CampaignFactory(approval_state=Campaign.Approval.REQUESTED), "Draft – waiting for approval"),
        (ran(status=Status.PARTS, provider=ProviderStatus.CALLING), "Calling – 4,210 of 10,000 called"),
        (CampaignFactory(status=Status.PARTS, status_detail="3 parts: 1 queued"), "Launching in parts – 3 parts: 1 queued"),
        (ran(status=Status.PARTS, provider=ProviderStatus.FINISHED, called=10_000, success=6_200),
         "Finished – 62% answered"),
    ]
    assert [(c.pk, words(c)) for c, _ in cases] == [(c.pk, text) for c, text in cases]
    failed = next(c for c, text in cases if text.startswith("Failed – not sent"))
    assert campaign_status(failed).advice == "Laaffic refused the caller ID."


# The campaigns page


def test_the_campaigns_page_filters_by_state_and_searches_by_name():
    CampaignFactory(task_name="Spring draft")
    ran(task_name="Spring calls")
    ran(task_name="Autumn calls")
    client = logged_in(editor())

    calling = page(client, CAMPAIGNS, state="calling")
    assert "Spring calls" in calling and "Autumn calls" in calling and "Spring draft" not in calling
    spring = page(client, CAMPAIGNS, q="spring")
    assert "Spring calls" in spring and "Spring draft" in spring and "Autumn" not in spring
    both = page(client, CAMPAIGNS, q="spring", state="draft")
    assert "Spring draft" in both and "Spring calls" not in both
    assert "No campaign matches" in page(client, CAMPAIGNS, q="winter")
    assert "1–3 of 3 campaigns" in page(client, CAMPAIGNS, state="not-a-state")


def test_the_campaigns_page_reads_the_same_queries_for_ten_times_more_campaigns(django_assert_num_queries):
    client = logged_in(approver())
    for n in range(3):
        CampaignFactory(task_name=f"Draft {n}", callees=1)
        ran(task_name=f"Calling {n}", callees=1)
    page(client, CAMPAIGNS)  # the session and permission caches, as on any later page
    with CaptureQueriesContext(connection) as few:
        page(client, CAMPAIGNS)
    for n in range(3, 30):
        CampaignFactory(task_name=f"Draft {n}", callees=1)
        ran(task_name=f"Calling {n}", callees=1)
    with django_assert_num_queries(len(few.captured_queries)):
        text = page(client, CAMPAIGNS)
    assert "1–25 of 60 campaigns" in text
    assert "26–50 of 60" in page(client, CAMPAIGNS, page=2)


@pytest.mark.parametrize("params", [{"page": "x"}, {"page": "-3"}, {"page": "9" * 40}, {"q": "é" * 5000},
                                    {"state": "<script>"}, {"q": "%_\\"}])
def test_odd_filters_and_pages_are_answered_with_a_page(params):
    CampaignFactory()
    response = logged_in(editor()).get(CAMPAIGNS, params)
    assert response.status_code == 200 and "<script>" not in response.content.decode()


# Home: what needs me


def test_home_lists_drafts_with_what_is_missing_calling_finished_and_recent_imports(django_assert_num_queries):
    draft = CampaignFactory(task_name="Missing message", tts_text="")
    calling = ran(task_name="Winter calls")
    done = ran(task_name="Summer calls", provider=ProviderStatus.FINISHED, called=10_000, success=6_200,
               finished_at=timezone.now())
    ImportJob.objects.create(callee_list=draft.callee_list, original_name="customers.csv", encoding="utf-8",
                             delimiter=",", status=ImportJob.Status.DONE, imported=1_200, rejected=3)
    client = logged_in(editor())
    page(client, HOME)
    with CaptureQueriesContext(connection) as counted:
        text = page(client, HOME)

    assert f'href="/campaigns/{draft.pk}/">Missing message</a>' in text and "Draft – 1 thing to fix" in text
    assert "The message text is required" in text or "text" in text.lower()
    assert f'href="/campaigns/{calling.pk}/">Winter calls</a>' in text and "Calling – 4,210 of 10,000 called" in text
    assert f'href="/campaigns/{done.pk}/">Summer calls</a>' in text and "Finished – 62% answered" in text
    assert "customers.csv" in text and "1,200 imported, 3 rejected" in text
    assert "Campaign editor" in text  # the role card stays
    assert 'href="/lists/new/" id="import-new-list">Import a CSV into a new list</a>' in text  # one click to start

    for n in range(10):
        CampaignFactory(task_name=f"More draft {n}", tts_text="")
        ran(task_name=f"More calling {n}")
        ran(task_name=f"More done {n}", provider=ProviderStatus.FINISHED)
    with django_assert_num_queries(len(counted.captured_queries)):
        text = page(client, HOME)
    assert "See all 11" in text and "and 6 more" in text


def test_the_calling_now_box_polls_itself():
    ran(task_name="Winter calls")
    client = logged_in(editor())
    text = page(client, reverse("studio:campaigns_running"))
    assert 'hx-trigger="every 5s"' in text and "Calling – 4,210 of 10,000 called" in text
    assert "<html" not in text


# A campaign's page


def test_a_draft_lists_what_to_fix_and_offers_to_edit_it_in_the_builder():
    draft = CampaignFactory(task_name="Missing message", tts_text="")
    text = page(logged_in(approver()), reverse("studio:campaign", args=[draft.pk]))
    assert "Draft – 1 thing to fix" in text and 'id="problems"' in text
    assert f'href="{reverse("studio:campaign_step", args=[draft.pk, "audience"])}" id="edit"' in text
    assert 'id="cancel"' not in text and 'id="call-again"' not in text and 'id="results"' not in text


def test_the_live_box_polls_while_calling_and_asks_for_a_reload_when_the_state_changes():
    campaign = ran(task_name="Winter calls")
    client = logged_in(editor())
    url = reverse("studio:campaign_live", args=[campaign.pk])
    text = page(client, reverse("studio:campaign", args=[campaign.pk]))
    assert f'hx-get="{url}?state=calling"' in text and "4,210 of 10,000 numbers called" in text

    same = client.get(url, {"state": "calling"}, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in same and 'hx-trigger="every 3s"' in same.content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(provider_status=ProviderStatus.FINISHED, numbers_called=10_000)
    moved = client.get(url, {"state": "calling"}, headers={"HX-Request": "true"})
    assert moved["HX-Refresh"] == "true" and "hx-trigger" not in moved.content.decode()


def test_an_editor_sees_no_cancel_or_call_again_and_their_posts_are_refused():
    calling = ran(task_name="Winter calls")
    done = ran(task_name="Summer calls", provider=ProviderStatus.FINISHED)
    client = logged_in(editor())
    for campaign in (calling, done):
        text = page(client, reverse("studio:campaign", args=[campaign.pk]))
        assert 'id="cancel"' not in text and 'id="call-again"' not in text
        assert "Cancelling and calling again are for campaign approvers." in text
    for name, campaign in (("studio:campaign_cancel", calling), ("studio:campaign_call_again", done)):
        url = reverse(name, args=[campaign.pk])
        assert client.get(url).status_code == 403
        refused = client.post(url, {"task_name": "Again", "failed_only": "0"})
        assert refused.status_code == 403 and "Campaign approvers" in refused.content.decode()
    assert Campaign.objects.count() == 2
    assert Campaign.objects.get(pk=calling.pk).cancel_requested_at is None


def test_an_approver_sees_cancel_while_calling_and_call_again_once_finished():
    calling = ran(task_name="Winter calls")
    done = ran(task_name="Summer calls", provider=ProviderStatus.FINISHED)
    client = logged_in(approver())
    calling_page = page(client, reverse("studio:campaign", args=[calling.pk]))
    done_page = page(client, reverse("studio:campaign", args=[done.pk]))
    assert 'id="cancel"' in calling_page and 'id="call-again"' not in calling_page
    assert 'id="call-again"' in done_page and 'id="cancel"' not in done_page


def test_cancel_asks_first_then_stops_the_calls_on_laaffic(simulator):
    campaign = CampaignFactory(task_name="Winter calls")
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    client = logged_in(approver())
    url = reverse("studio:campaign_cancel", args=[campaign.pk])

    confirm = page(client, url)
    assert "Cancel the calls of Winter calls?" in confirm and "cannot be undone" in confirm
    assert not [r for r in simulator.requests if r["path"].endswith("group/call/cancel")]

    response = client.post(url, follow=True)
    campaign.refresh_from_db()
    assert campaign.provider_status == ProviderStatus.CANCELLED
    text = response.content.decode()
    assert "Winter calls is cancelled." in text and "Cancelled" in text
    assert len([r for r in simulator.requests if r["path"].endswith("group/call/cancel")]) == 1
    again = client.post(url, follow=True).content.decode()
    assert "already being cancelled" in again or "cannot be cancelled" in again


def test_a_finished_campaign_has_nothing_to_cancel():
    done = ran(provider=ProviderStatus.FINISHED)
    text = page(logged_in(approver()), reverse("studio:campaign_cancel", args=[done.pk]))
    assert "nothing to cancel" in text and 'id="confirm-cancel"' not in text


def finished_with_records(outcomes, **fields):
    campaign = ran(provider=ProviderStatus.FINISHED, total=len(outcomes), called=len(outcomes),
                   success=outcomes.count(CallRecord.Outcome.ANSWERED), callees=0, **fields)
    for i, outcome in enumerate(outcomes):
        callee = CalleeFactory(callee_list=campaign.callee_list, number=f"86130000000{i:02d}", text1=f"=Name {i}")
        CallRecord.objects.create(voice_id=f"v{campaign.pk}-{i}", campaign=campaign, callee=callee,
                                  callee_number=callee.number, outcome=outcome, call_duration=30,
                                  call_time=timezone.now(), cost="0.05", currency="USD",
                                  feedback_value="1" if i % 2 else "")
    return campaign


def test_call_again_says_nobody_is_left_and_creates_nothing():
    done = finished_with_records([CallRecord.Outcome.ANSWERED] * 3, task_name="All answered")
    for callee in done.callee_list.callees.all():
        SuppressedNumber.objects.create(number=callee.number, reason="asked not to be called")
    client = logged_in(approver())
    url = reverse("studio:campaign_call_again", args=[done.pk])
    text = page(client, url)
    assert 'id="nobody-left"' in text and "no new run is created" in text
    assert "Every number again. Nobody left to call: every number of “List" in text
    assert 'id="confirm-call-again"' not in text

    refused = client.post(url, {"task_name": "All answered (again)", "failed_only": "0"})
    assert refused.status_code == 400 and "Nobody left to call" in refused.content.decode()
    assert Campaign.objects.count() == 1


def test_a_choice_that_calls_nobody_is_refused_on_the_form():
    done = finished_with_records([CallRecord.Outcome.ANSWERED] * 3, task_name="All answered")
    client = logged_in(approver())
    url = reverse("studio:campaign_call_again", args=[done.pk])
    text = page(client, url)
    assert "Only the numbers that were not reached. Nobody left to call: every number was reached." in text
    assert "Every number again. 3 numbers" in text

    refused = client.post(url, {"task_name": "All answered (again)", "failed_only": "1"})
    assert refused.status_code == 400 and "Nobody left to call" in refused.content.decode()
    assert Campaign.objects.count() == 1


def test_call_again_offers_who_each_choice_calls_and_starts_the_new_run(simulator):
    parent = CampaignFactory(task_name="Spring sale", callees=4)
    campaign_queue(parent)
    campaign_submit(parent.pk)
    simulator.finish(parent.task_name)
    campaign_sync(Campaign.objects.get(pk=parent.pk))
    client = logged_in(approver())
    url = reverse("studio:campaign_call_again", args=[parent.pk])

    form = page(client, url)
    assert "costs money" in form and "Every number again. 4 numbers" in form
    assert 'value="Spring sale (again)"' in form

    response = client.post(url, {"task_name": "Spring sale (round two)", "failed_only": "0"}, follow=True)
    child = Campaign.objects.get(task_name="Spring sale (round two)")
    assert child.parent_id == parent.pk
    assert response.redirect_chain[-1][0] == reverse("studio:campaign", args=[child.pk])
    assert "is a new run of Spring sale" in response.content.decode()


def test_call_again_with_a_name_in_use_shows_it_on_the_field():
    done = finished_with_records([CallRecord.Outcome.BUSY] * 2, task_name="Busy ones")
    response = logged_in(approver()).post(reverse("studio:campaign_call_again", args=[done.pk]),
                                          {"task_name": "Busy ones", "failed_only": "1"})
    assert response.status_code == 400
    assert "Another campaign already uses the task name" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_results_show_the_charts_and_the_calls_filtered_by_outcome():
    outcomes = [CallRecord.Outcome.ANSWERED, CallRecord.Outcome.ANSWERED, CallRecord.Outcome.BUSY]
    done = finished_with_records(outcomes, task_name="Summer calls")
    done.callee_list.text_names = {"text1": "Name"}
    done.callee_list.save()
    client = logged_in(editor())
    url = reverse("studio:campaign", args=[done.pk])
    text = page(client, url)
    assert 'id="results"' in text and "66.7%" in text and "0.15 USD" in text
    assert '<svg role="img" aria-label="Outcome of each call"' in text and 'aria-label="Keys pressed"' in text
    assert "<th>text1 (Name)</th>" in text and text.count("<td>Answered</td>") == 2
    busy = page(client, url, outcome="busy")
    assert busy.count("<td>Busy</td>") == 1 and "<td>Answered</td>" not in busy
    assert page(client, url, outcome="nonsense", page="zz").count("<td>Answered</td>") == 2


def test_a_campaign_calling_with_no_call_reported_yet_shows_its_progress_not_an_empty_results_card():
    calling = ran(task_name="Just started", called=0, success=0)
    text = page(logged_in(approver()), reverse("studio:campaign", args=[calling.pk]))
    assert 'id="results"' not in text and 'id="export-results"' not in text and "0 of 10,000 called" in text
    finished = ran(task_name="Nobody reported", provider=ProviderStatus.FINISHED, called=0, success=0)
    assert 'id="results"' in page(logged_in(approver()), reverse("studio:campaign", args=[finished.pk]))


def test_the_results_and_the_numbers_download_as_csv_excel_reads():
    done = finished_with_records([CallRecord.Outcome.ANSWERED, CallRecord.Outcome.BUSY], task_name="Été 2026")
    client = logged_in(editor())

    results = client.get(reverse("studio:campaign_results_csv", args=[done.pk]))
    assert results["Content-Type"] == "text/csv; charset=utf-8"
    assert results["Content-Disposition"] == 'attachment; filename="ete-2026-results.csv"'
    assert results.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with its mark
    rows = list(csv.reader(io.StringIO(results.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["calleeNumber", "text1"] and rows[0][11] == "outcome"
    assert [(r[0], r[1], r[11]) for r in rows[1:]] == [("8613000000000", "'=Name 0", "Answered"),
                                                       ("8613000000001", "'=Name 1", "Busy")]
    record = CallRecord.objects.get(callee_number="8613000000001")
    called_at = timezone.localtime(record.call_time).strftime("%Y-%m-%d %H:%M:%S")  # the reader's zone, readable
    assert rows[0][15].startswith("callTime (")
    assert rows[2][12:] == ["", "1", "30", called_at, "", str(record.cost), "USD", record.voice_id]

    callees = client.get(reverse("studio:campaign_callees_csv", args=[done.pk]))
    assert callees.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(callees.content.decode("utf-8-sig"))))
    assert rows == [["calleeNumber", *[f"text{i}" for i in range(1, 11)]],
                    ["8613000000000", "'=Name 0", *[""] * 9], ["8613000000001", "'=Name 1", *[""] * 9]]


@pytest.mark.parametrize("pk", [0, 999_999, 2**63, 10**40])
@pytest.mark.parametrize("name", ["studio:campaign", "studio:campaign_live", "studio:campaign_cancel",
                                  "studio:campaign_call_again", "studio:campaign_results_csv",
                                  "studio:campaign_callees_csv"])
def test_a_campaign_that_does_not_exist_is_a_404(name, pk):
    client = logged_in(approver())
    assert client.get(reverse(name, args=[pk])).status_code == 404
    if name in ("studio:campaign_cancel", "studio:campaign_call_again"):
        assert client.post(reverse(name, args=[pk])).status_code == 404


def test_the_pages_need_a_login():
    campaign = CampaignFactory()
    for url in (CAMPAIGNS, reverse("studio:campaign", args=[campaign.pk]),
                reverse("studio:campaign_results_csv", args=[campaign.pk])):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("studio:login"))


def test_the_navbar_leads_to_the_campaigns():
    text = page(logged_in(editor()), HOME)
    assert f'href="{CAMPAIGNS}">Campaigns</a>' in text
    assert 'aria-current="page" href="/campaigns/">Campaigns' in page(logged_in(editor()), CAMPAIGNS)


def test_when_laaffics_count_and_the_call_records_disagree_on_answered_the_page_says_why():
    done = finished_with_records([CallRecord.Outcome.ANSWERED, CallRecord.Outcome.ANSWERED, CallRecord.Outcome.FAILED])
    client = logged_in(approver())
    assert 'id="rate-note"' not in page(client, reverse("studio:campaign", args=[done.pk]))
    Campaign.objects.filter(pk=done.pk).update(numbers_success=1)  # Laaffic: 1 of 3; the records: 2 of 3
    text = page(client, reverse("studio:campaign", args=[done.pk]))
    assert "Finished – 33% answered" in text and "66.7%" in text
    assert 'id="rate-note"' in text and "Laaffic counts 33% answered" in text
