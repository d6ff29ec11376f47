"""The studio's lists: the lists, one list (search, add and change a callee, export) and the CSV import
upload -> preview -> confirm -> progress -> summary, for editors and approvers only."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Callee, CalleeList, ImportJob, SuppressedNumber
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory
from tests.studio.factories import UserFactory, approver, editor

pytestmark = pytest.mark.django_db
FILE = "Mobile;Name;City\n+34 612 345 678;Zoë;Madrid\n+34 612 345 679;Ann;Sevilla\n+34 612 345 679;Ann;Dup\nabc;x;y\n"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def erin():
    return client_of(editor())


def upload(client, callee_list, content=FILE, name="crm export.csv"):
    return client.post(reverse("studio:list_import", args=[callee_list.pk]),
                       {"file": SimpleUploadedFile(name, content.encode("utf-8"))})


def preview_data(**changes):
    data = {"encoding": "utf-8", "delimiter": ";", "has_header": "on", "default_region": "", "on_existing": "skip",
            "number": "0", **{f"text{i}": "" for i in range(1, 11)}}
    return {**data, **changes}


def imported(client, callee_list, content=FILE, **mapping):
    """Upload, map and confirm a file; returns the job, run."""
    upload(client, callee_list, content)
    job = ImportJob.objects.latest("pk")
    url = reverse("studio:list_import_preview", args=[callee_list.pk, job.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker's task, run here (Celery is eager)
        response = client.post(url, preview_data(confirm="1", **mapping))
    assert response.status_code == 302, response.content.decode()[:2000]
    job.refresh_from_db()
    return job


# Who may


@pytest.mark.parametrize("name,args", [("lists", []), ("list_new", []), ("list", [1]), ("list_export", [1]),
                                       ("list_import", [1]), ("list_callee_new", [1]), ("list_callee", [1, 1]),
                                       ("list_import_preview", [1, 1]), ("list_import_progress", [1, 1]),
                                       ("list_import_rejected", [1, 1])])
def test_someone_without_a_studio_role_gets_the_polite_page_on_every_list_page(name, args):
    CalleeListFactory(pk=1)
    response = client_of(UserFactory()).get(reverse(f"studio:{name}", args=args))
    assert response.status_code == 403
    assert "You have no role in the studio yet" in response.content.decode()


def test_someone_logged_out_is_sent_to_log_in():
    response = Client().get(reverse("studio:lists"))
    assert response.status_code == 302 and response.url.startswith(reverse("studio:login"))


@pytest.mark.parametrize("make", [editor, approver])
def test_editors_and_approvers_see_the_lists_with_their_counts_and_last_import(make):
    spring, empty = CalleeListFactory(name="Spring"), CalleeListFactory(name="Empty")
    CalleeFactory.create_batch(3, callee_list=spring)
    ImportJob.objects.create(callee_list=spring, original_name="spring.csv", encoding="utf-8", delimiter=",",
                             status=ImportJob.Status.DONE, finished_at="2026-03-01T10:00:00Z")
    client = client_of(make())

    page = client.get(reverse("studio:lists")).content.decode()

    assert "Lists</a>" in page and 'href="/lists/new/"' in page
    rows = page.split('id="lists"')[1]
    assert "Empty" in rows and "Never" in rows
    assert "Spring" in rows and "spring.csv" in rows and "1 Mar 2026" in rows
    assert '<td class="text-end">3</td>' in rows and '<td class="text-end">0</td>' in rows
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("studio:lists"))
    for _ in range(20):
        CalleeFactory(callee_list=CalleeListFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("studio:lists"))
    assert len(many) == len(few)  # callees counted for the page's lists in one query, not one per list


def test_the_one_number_lists_of_test_calls_are_not_among_the_lists(erin):
    spring = CalleeListFactory(name="Spring")
    campaign = CampaignFactory(task_name="Spring sale", callee_list=spring, callees=1)
    test_list = CalleeListFactory(name="Spring sale test 1 (test call)")
    CampaignFactory(task_name="Spring sale test 1", callee_list=test_list, callees=1, test_of=campaign)

    rows = erin.get(reverse("studio:lists")).content.decode().split('id="lists"')[1]

    assert "Spring" in rows and "(test call)" not in rows


# Creating a list


def test_a_new_list_goes_straight_to_its_import(erin):
    response = erin.post(reverse("studio:list_new"), {"name": "Spring customers", "description": "From the CRM"})
    callee_list = CalleeList.objects.get(name="Spring customers")
    assert response.url == reverse("studio:list_import", args=[callee_list.pk])
    assert callee_list.description == "From the CRM"


def test_a_list_name_already_taken_is_refused_on_the_name(erin):
    CalleeListFactory(name="Spring")
    response = erin.post(reverse("studio:list_new"), {"name": "Spring", "description": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["There is already a list with this name; pick another one."]}


def test_a_list_name_too_long_is_refused_on_the_name(erin):
    response = erin.post(reverse("studio:list_new"), {"name": "x" * 10_000})
    assert list(response.context["form"].errors) == ["name"] and not CalleeList.objects.exists()


# The import


def test_the_whole_import_stores_the_columns_names_and_every_page_shows_them(erin, media):
    callee_list = CalleeListFactory()

    response = upload(erin, callee_list)
    job = ImportJob.objects.get()
    assert response.url == reverse("studio:list_import_preview", args=[callee_list.pk, job.pk])
    preview = erin.get(response.url).content.decode()
    assert '<option value="1">2: Name</option>' in preview and "Not used" in preview
    assert 'id="to-import">2' in preview and 'id="rejected">1' in preview

    done = imported(erin, callee_list, text1="1", text3="2")  # the same file again, this time confirmed

    assert (done.status, done.imported, done.duplicates, done.rejected) == ("done", 2, 1, 1)
    callee_list.refresh_from_db()
    assert callee_list.text_names == {"text1": "Name", "text3": "City"}
    assert callee_list.callees.get(number="34612345678").text1 == "Zoë"
    summary = erin.get(reverse("studio:list_import_progress", args=[callee_list.pk, done.pk])).content.decode()
    assert 'id="imported">2' in summary and 'id="rejected">1' in summary and "hx-trigger" not in summary
    build = f'href="/campaigns/new/?list={callee_list.pk}"'  # the builder, with this list picked
    assert f'{build} id="build-campaign">Build a campaign with this list</a>' in summary
    rejects = erin.get(reverse("studio:list_import_rejected", args=[callee_list.pk, done.pk]))
    assert b"abc" in b"".join(rejects.streaming_content)
    page = erin.get(reverse("studio:list", args=[callee_list.pk])).content.decode()
    assert "<th scope=\"col\">text1 (Name)</th>" in page and "<th scope=\"col\">text3 (City)</th>" in page
    assert f'{build} id="build-campaign">Build a campaign</a>' in page
    callee = callee_list.callees.get(number="34612345678")
    form = erin.get(reverse("studio:list_callee", args=[callee_list.pk, callee.pk])).content.decode()
    assert "text1 (Name)" in form and "text3 (City)" in form and "text2 (" not in form


def test_a_second_import_renames_the_texts_it_feeds_and_keeps_the_others(erin, media):
    callee_list = CalleeListFactory(text_names={"text1": "Name", "text2": "Plan"})
    imported(erin, callee_list, "phone,First name,text2\n34612345678,Ann,Gold\n", delimiter=",", text1="1",
             text2="2")
    callee_list.refresh_from_db()
    # text2 came from a column named after itself: no name is better than "text2 (text2)".
    assert callee_list.text_names == {"text1": "First name"}


def test_a_long_column_name_is_kept_shortened(erin, media):
    callee_list = CalleeListFactory()
    imported(erin, callee_list, f"phone;{'N' * 500}\n34612345678;Ann\n", text1="1")
    callee_list.refresh_from_db()
    assert callee_list.text_names == {"text1": "N" * 40}


@pytest.mark.parametrize("sample, says", [(2, True), (3, False)])
def test_the_preview_of_a_long_file_says_its_counts_are_for_the_first_rows(sample, says, erin, media, settings):
    settings.CALLEE_IMPORT_PREVIEW_ROWS = sample
    callee_list = CalleeListFactory()
    upload(erin, callee_list, "phone,name\n8613800000001,A\n8613800000002,B\nabc,C\n")
    page = erin.post(reverse("studio:list_import_preview", args=[callee_list.pk, ImportJob.objects.get().pk]),
                     preview_data(delimiter=",", text1="1"))
    text = " ".join(page.content.decode().split())
    assert ("these counts are for its <strong>first 2 rows</strong> (of about 3)" in text) is says
    assert ("(in the first 2 rows)" in text) is says
    assert ("Check every row and import" in text) is says
    assert ("Import 2 rows" in text) is not says


def test_the_preview_is_redrawn_for_htmx_when_an_option_changes(erin, media):
    callee_list = CalleeListFactory()
    upload(erin, callee_list)
    job = ImportJob.objects.get()
    url = reverse("studio:list_import_preview", args=[callee_list.pk, job.pk])

    response = erin.post(url, preview_data(text1="1"), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.startswith('\n<form method="post" id="import-preview"') and "<html" not in page
    assert "<th scope=\"col\">text1</th>" in page and "<td>Zoë</td>" in page
    job.refresh_from_db()
    assert job.mapping == {"number": 0, "texts": {"text1": 1}} and job.status == "uploaded"


def test_a_file_that_is_not_csv_is_refused_on_the_file_field(erin, media):
    response = upload(erin, CalleeListFactory(), "PK\x03\x04 workbook", name="list.xlsx")
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert response.context["form"].errors["file"] == [
        "This is an Excel workbook, not a CSV file. In Excel, use File > Save As > CSV UTF-8, then upload that file."]


def test_a_file_over_the_limit_is_refused_on_the_file_field(erin, media, settings):
    settings.CALLEE_IMPORT_MAX_MB = 0
    response = upload(erin, CalleeListFactory())
    assert "the limit is 0 MB" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize("changes", [{"number": "99"}, {"text1": "abc"}, {"encoding": "rot13"},
                                     {"number": "9" * 400}])
def test_hostile_mapping_is_refused_on_its_field_and_nothing_is_queued(changes, erin, media):
    callee_list = CalleeListFactory()
    upload(erin, callee_list)
    job = ImportJob.objects.get()
    response = erin.post(reverse("studio:list_import_preview", args=[callee_list.pk, job.pk]),
                         preview_data(confirm="1", **changes))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == list(changes)
    job.refresh_from_db()
    assert job.status == "uploaded" and not callee_list.callees.exists()


def test_an_import_of_another_list_is_not_found(erin, media):
    callee_list, other = CalleeListFactory(), CalleeListFactory()
    upload(erin, callee_list)
    job = ImportJob.objects.get()
    for name in ("list_import_preview", "list_import_progress", "list_import_rejected"):
        assert erin.get(reverse(f"studio:{name}", args=[other.pk, job.pk])).status_code == 404


def test_the_progress_is_polled_while_the_import_runs(erin):
    callee_list = CalleeListFactory()
    job = ImportJob.objects.create(callee_list=callee_list, original_name="a.csv", encoding="utf-8",
                                   delimiter=",", status=ImportJob.Status.RUNNING, rows_total=200, rows_done=50)
    url = reverse("studio:list_import_progress", args=[callee_list.pk, job.pk])

    page = erin.get(url).content.decode()
    partial = erin.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 1s"' in page and "50 of 200 rows checked (25%)" in page
    assert partial.lstrip().startswith('<div class="card shadow-sm" id="import-progress"') and "<html" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message="The file is empty.")
    failed = erin.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in failed and "The file is empty." in failed


def test_confirming_twice_imports_once(erin, media):
    callee_list = CalleeListFactory()
    job = imported(erin, callee_list, text1="1")
    again = erin.post(reverse("studio:list_import_preview", args=[callee_list.pk, job.pk]),
                      preview_data(confirm="1"))
    assert again.url == reverse("studio:list_import_progress", args=[callee_list.pk, job.pk])
    assert callee_list.callees.count() == 2 and ImportJob.objects.get().imported == 2


# One list: search, callees, export


def test_the_list_page_counts_callees_and_numbers_on_the_do_not_call_list(erin):
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list, number="34612345678")
    CalleeFactory(callee_list=callee_list, number="34612345679")
    SuppressedNumber.objects.create(number="34612345679")
    page = erin.get(reverse("studio:list", args=[callee_list.pk])).content.decode()
    assert "<strong>2</strong> callees" in page and "<strong>1</strong> on the do-not-call list" in page


@pytest.mark.parametrize("query,found", [
    ("+34 612 345 678", {"34612345678"}),  # typed as a number: found as stored
    ("0034 612-345-678", {"34612345678"}),
    ("345 67", {"34612345678", "34612345679"}),  # digits inside the number
    ("ann", {"34612345679"}),  # any text, any case
    ("Madrid", {"34612345678"}),
    ("50%_off", set()),  # LIKE wildcards are literal
    ("12.50", {"34612345679"}),  # shaped like a number, found in a text
    ("annlee", set()),  # not across two texts
])
def test_search_finds_callees_by_number_or_text(query, found, erin):
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list, number="34612345678", text1="Zoë", text5="Madrid")
    CalleeFactory(callee_list=callee_list, number="34612345679", text1="Ann", text2="Lee", text3="12.50")
    CalleeFactory(number="34612345670", text1="Ann")  # another list
    response = erin.get(reverse("studio:list", args=[callee_list.pk]), {"q": query})
    assert {callee.number for callee, _ in response.context["rows"]} == found


def test_search_results_are_paginated(erin):
    callee_list = CalleeListFactory()
    CalleeFactory.create_batch(60, callee_list=callee_list, text1="Ann")
    url = reverse("studio:list", args=[callee_list.pk])
    first, second = erin.get(url, {"q": "ann"}), erin.get(url, {"q": "ann", "page": "2"})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 10
    assert "q=ann&amp;page=2" in first.content.decode()
    past = erin.get(url, {"q": "ann", "page": "3"})
    assert past.context["rows"] == [] and "There are no more callees matching “ann”." in past.content.decode()


@pytest.mark.parametrize("params", [{"page": "9" * 200}, {"page": "-1"}, {"page": "x"}, {"page": "1e9"},
                                    {"q": "\x00"}, {"q": "%" * 5}])
def test_hostile_pages_and_searches_answer_without_failing(params, erin):
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list)
    response = erin.get(reverse("studio:list", args=[callee_list.pk]), params)
    assert response.status_code in (200, 400, 404)


def test_a_search_too_long_is_refused_on_the_search_with_nothing_listed(erin):
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list)
    response = erin.get(reverse("studio:list", args=[callee_list.pk]), {"q": "a" * 10_000})
    assert response.status_code == 200 and response.context["rows"] == []
    assert "Ensure this value has at most 100 characters" in response.content.decode()


def test_the_lists_page_beyond_its_last_page_is_not_found(erin):
    assert erin.get(reverse("studio:lists"), {"page": "9" * 50}).status_code == 404


def test_a_callee_is_added_with_its_number_read_like_the_import(erin):
    callee_list = CalleeListFactory(text_names={"text1": "Name"})
    add = reverse("studio:list_callee_new", args=[callee_list.pk])
    assert "text1 (Name)" in erin.get(add).content.decode()

    response = erin.post(add, {"number": "+34 612 345 685", "text1": "Ann"})

    assert response.url == reverse("studio:list", args=[callee_list.pk]) + "?q=34612345685"
    assert callee_list.callees.get().number == "34612345685"


@pytest.mark.parametrize("number,message", [
    ("call me maybe", "'call me maybe' contains letters; a phone number has only digits."),
    ("0034 612 345 685", "This number (34612345685) is already in the list. Search the list for it and change "
                         "that callee instead."),
])
def test_a_callee_number_is_refused_on_the_number_with_the_imports_message(number, message, erin):
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list, number="34612345685")
    response = erin.post(reverse("studio:list_callee_new", args=[callee_list.pk]), {"number": number})
    assert response.context["form"].errors == {"number": [message]}


def test_a_number_in_another_list_may_be_added(erin):
    CalleeFactory(number="34612345685")
    callee_list = CalleeListFactory()
    erin.post(reverse("studio:list_callee_new", args=[callee_list.pk]), {"number": "34612345685"})
    assert callee_list.callees.filter(number="34612345685").exists()


def test_a_callee_is_changed_and_a_text_too_long_is_refused_on_its_field(erin):
    callee = CalleeFactory(number="34612345685", text1="Ann")
    url = reverse("studio:list_callee", args=[callee.callee_list.pk, callee.pk])

    refused = erin.post(url, {"number": "34612345685", "text2": "x" * 31})
    erin.post(url, {"number": "+34 612 345 686", "text1": "Anna"})

    assert list(refused.context["form"].errors) == ["text2"]
    callee.refresh_from_db()
    assert (callee.number, callee.text1) == ("34612345686", "Anna")


def test_a_callee_of_another_list_is_not_found(erin):
    callee = CalleeFactory()
    assert erin.get(reverse("studio:list_callee", args=[CalleeListFactory().pk, callee.pk])).status_code == 404


def test_the_export_is_the_list_as_csv_safe_for_spreadsheets(erin):
    callee_list = CalleeListFactory(name="Spring customers")
    CalleeFactory(callee_list=callee_list, number="34612345685", text1="=HYPERLINK(1)")
    response = erin.get(reverse("studio:list_export", args=[callee_list.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="spring-customers.csv"'
    assert response.content.startswith("\ufeff".encode())  # the BOM tells Excel it is UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["calleeNumber", "text1"] and rows[1][:2] == ["34612345685", "'=HYPERLINK(1)"]
    assert Callee.objects.count() == 1


def test_an_option_changed_after_the_import_was_confirmed_sends_the_page_to_its_progress(erin, media):
    callee_list = CalleeListFactory()
    job = imported(erin, callee_list, text1="1")
    response = erin.post(reverse("studio:list_import_preview", args=[callee_list.pk, job.pk]),
                         preview_data(text1="2"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("studio:list_import_progress", args=[callee_list.pk, job.pk])
    job.refresh_from_db()
    assert job.mapping["texts"] == {"text1": 1}


def test_an_encoding_that_cannot_read_the_file_is_said_and_nothing_can_be_confirmed(erin, media):
    callee_list = CalleeListFactory()
    upload(erin, callee_list)
    job = ImportJob.objects.get()
    url = reverse("studio:list_import_preview", args=[callee_list.pk, job.pk])

    response = erin.post(url, preview_data(encoding="utf-16"))
    confirmed = erin.post(url, preview_data(encoding="utf-16", confirm="1"))

    page = response.content.decode()
    assert response.status_code == 200 and 'id="refusal"' in page and "cannot be read as utf-16" in page
    assert 'id="confirm-import"' not in page
    assert confirmed.status_code == 200 and ImportJob.objects.get().status == "uploaded"
