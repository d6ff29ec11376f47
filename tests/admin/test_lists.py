"""The browser import: upload -> preview -> confirm -> progress -> rows not imported."""
import codecs
import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import ImportJob, SuppressedNumber
from tests.factories import CalleeFactory, CalleeListFactory

pytestmark = pytest.mark.django_db
FILE = "Mobile;Name;text1\n0912 345 678;Zoë;=SUM(A1)\n+886 912 345 679;Ann;Hi\n+886 912 345 679;Ann;Dup\nabc;x;y\n"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(client, callee_list, content=FILE, name="crm export.csv", encoding="cp1252"):
    url = reverse("admin:campaigns_calleelist_import", args=[callee_list.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content.encode(encoding))})


def test_the_whole_import_walk(admin_client, media, django_capture_on_commit_callbacks):
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list, number="886912345679", text1="Old")
    change_page = admin_client.get(reverse("admin:campaigns_calleelist_change", args=[callee_list.pk]))
    assert 'id="import-csv"' in change_page.content.decode()

    response = upload(admin_client, callee_list)
    job = ImportJob.objects.get()
    assert response.url == reverse("admin:campaigns_importjob_preview", args=[job.pk])
    preview = admin_client.get(response.url)
    page = preview.content.decode()
    assert preview.context["form"]["delimiter"].value() == ";"
    assert preview.context["form"]["encoding"].value() == "cp1252"
    assert preview.context["form"]["text1"].value() == "2" and preview.context["form"]["number"].value() == "0"
    report = preview.context["result"].report
    assert (report.accepted, report.existing, report.duplicates, report.rejected) == (1, 1, 1, 2)
    assert "starts with 0" in page and "Import 1 row\"" in page

    form = {"encoding": "cp1252", "delimiter": ";", "has_header": "on", "default_region": "TW",
            "on_existing": "update", "number": "0", "text1": "2"}
    preview = admin_client.post(reverse("admin:campaigns_importjob_preview", args=[job.pk]), form)
    report = preview.context["result"].report
    assert (report.accepted, report.rejected) == (2, 1)
    assert [row[1] for row in report.preview] == ["886912345678", "886912345679"]
    # The preview shows the mapped text column only, not ten mostly empty ones.
    assert preview.context["targets"] == ["text1"]
    assert preview.context["preview_rows"] == [(2, "886912345678", ["=SUM(A1)"]), (3, "886912345679", ["Hi"])]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = admin_client.post(reverse("admin:campaigns_importjob_preview", args=[job.pk]),
                                      {**form, "confirm": "yes"})
    done = admin_client.get(confirmed.url)
    job.refresh_from_db()
    assert job.status == "done" and (job.imported, job.updated, job.rejected, job.duplicates) == (1, 1, 1, 1)
    page = done.content.decode()
    assert "1 imported, 1 updated, 1 duplicate in the file, 1 rejected." in page
    assert list(callee_list.callees.order_by("number").values_list("number", "text1")) == [
        ("886912345678", "=SUM(A1)"), ("886912345679", "Hi")]

    status = admin_client.get(reverse("admin:campaigns_importjob_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    download = admin_client.get(reverse("admin:campaigns_importjob_rejected", args=[job.pk]))
    # Written as the file was (Windows-1252, semicolons): a Spanish Excel opens both the same way.
    lines = b"".join(download.streaming_content).decode("cp1252").splitlines()
    assert lines[:2] == ["line;reason;Mobile;Name;text1",
                         "4;Duplicate of line 3 (the first one is kept).;'+886 912 345 679;Ann;Dup"]
    assert next(csv.reader(lines[2:], delimiter=";")) == [
        "5", "'abc' contains letters; a phone number has only digits.", "abc", "x", "y"]


def test_confirming_twice_imports_once(admin_client, media, django_capture_on_commit_callbacks):
    callee_list = CalleeListFactory()
    upload(admin_client, callee_list, "8613800000001\n8613800000002\n")
    url = reverse("admin:campaigns_importjob_preview", args=[ImportJob.objects.get().pk])
    form = {"encoding": "utf-8", "delimiter": ",", "number": "0", "on_existing": "skip", "confirm": "yes"}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(url, form)
    assert callee_list.callees.count() == 2 and ImportJob.objects.get().imported == 2


def test_a_file_that_is_not_csv_is_refused_on_upload_with_what_to_do(admin_client, media):
    response = upload(admin_client, CalleeListFactory(), "PK\x03\x04 binary", name="list.xlsx")
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "Save As" in response.context["form"].errors["file"][0]


def test_a_wrong_encoding_choice_shows_a_clear_message_not_a_crash(admin_client, media):
    upload(admin_client, CalleeListFactory(), "phone,name\n8613800000001,Zoë\n", encoding="utf-16")
    url = reverse("admin:campaigns_importjob_preview", args=[ImportJob.objects.get().pk])
    page = admin_client.post(url, {"encoding": "utf-8", "delimiter": ",", "number": "0", "on_existing": "skip",
                                   "has_header": "on"})
    assert page.status_code == 200 and "cannot be read as utf-8" in page.context["error"]


def test_do_not_call_numbers_import_from_their_changelist(admin_client, media, django_capture_on_commit_callbacks):
    changelist = admin_client.get(reverse("admin:campaigns_suppressednumber_changelist")).content.decode()
    assert 'id="import-csv"' in changelist
    admin_client.post(reverse("admin:campaigns_suppressednumber_import"),
                      {"file": SimpleUploadedFile("dnc.csv", b"number,reason\n+44 7911 123456,complaint\n")})
    url = reverse("admin:campaigns_importjob_preview", args=[ImportJob.objects.get().pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"encoding": "utf-8", "delimiter": ",", "has_header": "on", "number": "0",
                                "reason": "1", "on_existing": "skip", "confirm": "yes"})
    assert list(SuppressedNumber.objects.values_list("number", "reason")) == [("447911123456", "complaint")]


def test_callee_list_exports_as_csv_for_download(admin_client):
    callee = CalleeFactory(text1="@home")
    response = admin_client.get(reverse("admin:campaigns_calleelist_export", args=[callee.callee_list.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 only with it
    assert response.content.decode("utf-8-sig").splitlines()[1].startswith(f"{callee.number},'@home,")


def test_the_preview_of_a_long_file_says_its_counts_are_for_the_first_rows(admin_client, media, settings):
    settings.CALLEE_IMPORT_PREVIEW_ROWS = 2
    upload(admin_client, CalleeListFactory(), "phone,name\n8613800000001,A\n8613800000002,B\nabc,C\n")
    page = admin_client.get(reverse("admin:campaigns_importjob_preview", args=[ImportJob.objects.get().pk]))
    text = page.content.decode()
    assert page.context["result"].report.rows == 2
    assert "the counts below are for the <strong>first 2 rows</strong> (of about 3)" in text
    assert "Rejected <span class=\"quiet\">(in the first 2 rows)</span>" in text
    assert 'value="Check every row and import"' in text


def test_the_preview_of_a_file_within_the_sample_gives_exact_counts(admin_client, media, settings):
    settings.CALLEE_IMPORT_PREVIEW_ROWS = 3
    upload(admin_client, CalleeListFactory(), "phone,name\n8613800000001,A\n8613800000002,B\nabc,C\n")
    page = admin_client.get(reverse("admin:campaigns_importjob_preview", args=[ImportJob.objects.get().pk]))
    text = page.content.decode()
    assert "in the first" not in text and 'value="Import 2 rows"' in text


@pytest.mark.parametrize("encoding, detected", [("utf-32", True), ("cp437", False)])
def test_the_detected_encoding_stays_selected_when_the_options_are_sent_back(admin_client, media, encoding,
                                                                             detected):
    upload(admin_client, CalleeListFactory(), "8613800000001,Ana\n", encoding=encoding)
    job = ImportJob.objects.get()
    if not detected:  # an encoding detection may report that the list does not offer
        ImportJob.objects.filter(pk=job.pk).update(encoding=encoding)
    url = reverse("admin:campaigns_importjob_preview", args=[job.pk])
    form = admin_client.get(url).context["form"]
    assert form["encoding"].value() == encoding and encoding in dict(form.fields["encoding"].choices)
    sent = admin_client.post(url, {"encoding": encoding, "delimiter": ",", "number": "0", "on_existing": "skip"})
    assert not sent.context["form"].is_bound and not sent.context["error"]  # accepted, then redrawn
    assert sent.context["result"].report.accepted == 1
