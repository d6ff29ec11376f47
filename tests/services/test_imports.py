"""Importing callee CSV files: skip or update, all or nothing, the do-not-call list."""
import csv
import io

import pytest
from django.db import IntegrityError, connection, transaction

from campaigns.importers.callees import CsvRefused
from campaigns.models import Callee, CalleeList, ImportJob, SuppressedNumber
from campaigns.services import bodies, imports
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory

pytestmark = pytest.mark.django_db

FILE = (
    "calleeNumber,text1,text2\n"
    "+86 138 0000 0001,Tom,5\n"
    "8613800000002,Ann,6\n"
    "8613800000002,Ann again,7\n"
    "not a number,x,y\n"
).encode()


def run(data, callee_list, **options):
    return imports.import_file(io.BytesIO(data), imports.Target(callee_list), **options)


def stored(callee_list):
    return list(callee_list.callees.order_by("number").values_list("number", "text1", "text2"))


def test_an_import_stores_the_accepted_rows_and_reports_the_rest():
    callee_list = CalleeListFactory()
    result = run(FILE, callee_list)
    assert stored(callee_list) == [("8613800000001", "Tom", "5"), ("8613800000002", "Ann", "6")]
    assert result.as_json("L") == {
        "list": "L", "imported": 2, "duplicates": 1, "rejected": 1,
        "errors": [{"line": 5, "value": "not a number",
                    "reason": "'not a number' contains letters; a phone number has only digits."}],
        "errors_not_listed": 0,
    }


def test_numbers_already_in_the_list_are_skipped_by_default():
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list, number="8613800000001", text1="Old", text2="")
    result = run(FILE, callee_list)
    assert stored(callee_list) == [("8613800000001", "Old", ""), ("8613800000002", "Ann", "6")]
    assert (result.imported, result.updated, result.skipped_existing) == (1, 0, 1)
    assert result.as_json("L")["duplicates"] == 2


def test_numbers_already_in_the_list_can_have_their_texts_updated():
    callee_list = CalleeListFactory()
    CalleeFactory(callee_list=callee_list, number="8613800000001", text1="Old", text2="")
    result = run(FILE, callee_list, update_existing=True)
    assert stored(callee_list) == [("8613800000001", "Tom", "5"), ("8613800000002", "Ann", "6")]
    assert (result.imported, result.updated) == (1, 1)


def test_a_dry_run_stores_nothing():
    callee_list = CalleeListFactory()
    result = run(FILE, callee_list, dry_run=True)
    assert result.report.accepted == 2 and stored(callee_list) == []


def test_a_failed_import_job_says_so_and_leaves_the_list_unchanged(monkeypatch, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    callee_list = CalleeListFactory()
    job = _job(callee_list, FILE)
    imports.import_job_queue(job)

    def broken_store(*args, **kwargs):
        Callee.objects.create(callee_list=callee_list, number="8613800000001")  # half written...
        raise RuntimeError("connection lost")  # ...then the database goes away

    monkeypatch.setattr(imports, "_store", broken_store)
    with pytest.raises(RuntimeError):
        imports.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == job.Status.FAILED and "list is unchanged" in job.message
    assert not callee_list.callees.exists()


def test_an_import_job_runs_once_and_keeps_the_rows_not_imported(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    callee_list = CalleeListFactory()
    job = _job(callee_list, FILE)
    assert imports.import_job_queue(job) and not imports.import_job_queue(job)
    imports.import_job_run(job.pk)
    assert imports.import_job_run(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.imported, job.duplicates, job.rejected, job.percent) == ("done", 2, 1, 1, 100)
    assert job.message == "2 imported, 1 duplicate in the file, 1 rejected."
    rows = job.rejected_file.read().decode("utf-8-sig").splitlines()
    assert rows == ["line,reason,calleeNumber,text1,text2",
                    "4,Duplicate of line 3 (the first one is kept).,8613800000002,Ann again,7",
                    "5,'not a number' contains letters; a phone number has only digits.,not a number,x,y"]


def test_a_file_refused_whole_stores_nothing():
    callee_list = CalleeListFactory()
    with pytest.raises(CsvRefused, match="no rows|No column"):
        run(b"name,city\nTom,Paris\n", callee_list)
    assert not callee_list.callees.exists()


def test_do_not_call_numbers_are_imported_the_same_way_with_a_reason(admin_user):
    data = b"msisdn,reason\n+44 7911 123456,Asked not to be called\n0044 7911 123457,\nxyz,\n"
    result = imports.import_file(io.BytesIO(data), imports.Target(None), user=admin_user)
    assert list(SuppressedNumber.objects.values_list("number", "reason", "added_by")) == [
        ("447911123456", "Asked not to be called", admin_user.pk), ("447911123457", "", admin_user.pk)]
    assert result.report.rejected == 1


def test_do_not_call_numbers_are_flagged_in_a_preview_and_left_out_when_submitting():
    callee_list = CalleeListFactory()
    SuppressedNumber.objects.create(number="8613800000002")
    result = run(FILE, callee_list, dry_run=True)
    assert result.report.suppressed == 1
    run(FILE, callee_list)
    campaign = CampaignFactory(callee_list=callee_list, callees=0)
    numbers = [entry["calleeNumber"] for entry in bodies.campaign_body(campaign)["numberInfoList"]]
    assert numbers == ["8613800000001"]
    assert bodies.suppressed_count(callee_list.pk) == 1


def _job(callee_list, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return imports.import_job_create(SimpleUploadedFile("list.csv", data), imports.Target(callee_list))


def test_an_upload_over_the_size_limit_is_refused(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CALLEE_IMPORT_MAX_MB = 0
    with pytest.raises(imports.UploadTooLarge, match="the limit is 0 MB"):
        imports.import_job_create(SimpleUploadedFile("big.csv", FILE), imports.Target(CalleeList(name="x")))


def test_texts_with_quotes_commas_and_newlines_are_stored_exactly():
    callee_list = CalleeListFactory()
    run(b'phone,text1,text2\n8613800000001,"Line one\nline two","say ""hi"", ok"\n', callee_list)
    assert stored(callee_list) == [("8613800000001", "Line one\nline two", 'say "hi", ok')]


@pytest.mark.parametrize("list_has_callees", [False, True], ids=["copied straight", "merged"])
def test_texts_with_tabs_backslashes_and_null_markers_are_stored_exactly(list_has_callees):
    """PostgreSQL's COPY text format gives a tab, a line break, a backslash and \\N a meaning of their own."""
    callee_list = CalleeListFactory()
    if list_has_callees:
        CalleeFactory(callee_list=callee_list, number="8613800000009", text1="Old", text2="")
    texts = [("a\tb", "c\\d"), ("\\N", "\\t"), ("carriage\rreturn", "x\r\ny"), ("plain", "")]
    rows = "".join(f'86138000000{i:02d},"{one}","{two}"\n' for i, (one, two) in enumerate(texts, 1))
    run(("phone,text1,text2\n" + rows).encode(), callee_list)
    expected = [(f"86138000000{i:02d}", *pair) for i, pair in enumerate(texts, 1)]
    assert stored(callee_list) == expected + ([("8613800000009", "Old", "")] if list_has_callees else [])


def test_do_not_call_numbers_imported_without_a_user_are_stored_with_no_one_as_adder():
    imports.import_file(io.BytesIO(b"msisdn,reason\n+44 7911 123456,Said\tno\n"), imports.Target(None))
    assert list(SuppressedNumber.objects.values_list("number", "reason", "added_by")) == [
        ("447911123456", "Said\tno", None)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("list_has_callees", [False, True], ids=["copied straight", "merged"])
def test_an_import_into_a_list_deleted_meanwhile_stores_nothing(list_has_callees):
    callee_list = CalleeListFactory()
    if list_has_callees:
        CalleeFactory(callee_list=callee_list)
    CalleeList.objects.filter(pk=callee_list.pk).delete()  # the Target still holds it
    with pytest.raises(IntegrityError):
        run(FILE, callee_list)
    assert not Callee.objects.exists()


@pytest.mark.parametrize("list_has_callees", [False, True], ids=["copied straight", "merged"])
def test_foreign_keys_are_checked_again_after_an_import(list_has_callees):
    """PostgreSQL checks the list once for the whole import; what follows in the transaction is checked as usual."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks foreign keys at the commit, whatever the import did")
    callee_list = CalleeListFactory()
    if list_has_callees:
        CalleeFactory(callee_list=callee_list)
    run(FILE, callee_list)
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)
        with pytest.raises(IntegrityError), transaction.atomic():
            Callee.objects.create(callee_list_id=callee_list.pk + 1000, number="8613800000003")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


LONG = ("phone,name\n" + "".join(f"86138000000{i:02d},Name {i}\n" for i in range(10)) + "not a number,x\n").encode()


def test_a_preview_checks_only_the_first_rows_and_counts_the_file(tmp_path, settings):
    settings.MEDIA_ROOT, settings.CALLEE_IMPORT_PREVIEW_ROWS = str(tmp_path), 4
    job = _job(CalleeListFactory(), LONG)
    report = imports.import_job_preview(job).report
    assert (report.rows, report.accepted, report.rejected, report.complete) == (4, 4, 0, False)
    assert ImportJob.objects.get(pk=job.pk).rows_total == 11  # for the progress bar: the file's lines


def test_a_preview_of_a_file_within_the_sample_is_exact(tmp_path, settings):
    settings.MEDIA_ROOT, settings.CALLEE_IMPORT_PREVIEW_ROWS = str(tmp_path), 11
    job = _job(CalleeListFactory(), LONG)
    report = imports.import_job_preview(job).report
    assert (report.rows, report.accepted, report.rejected, report.complete) == (11, 10, 1, True)
    assert ImportJob.objects.get(pk=job.pk).rows_total == 11


def test_the_worker_checks_every_row_after_a_preview_of_the_first(tmp_path, settings):
    settings.MEDIA_ROOT, settings.CALLEE_IMPORT_PREVIEW_ROWS = str(tmp_path), 4
    callee_list = CalleeListFactory()
    job = _job(callee_list, LONG)
    imports.import_job_preview(job)
    imports.import_job_queue(job)
    job = imports.import_job_run(job.pk)
    assert (job.imported, job.rejected, job.rows_done, job.rows_total, job.percent) == (10, 1, 11, 11, 100)
    assert callee_list.callees.count() == 10
    assert job.rejected_file.read().decode("utf-8-sig").splitlines()[1].startswith("12,'not a number' contains")


def test_the_rows_not_imported_are_written_as_the_file_was(tmp_path, settings):
    """Excel's "Unicode text" (UTF-16, tabs) and a Spanish Excel's CSV (Windows-1252, semicolons)."""
    settings.MEDIA_ROOT = str(tmp_path)
    for encoding, delimiter in (("utf-16", "\t"), ("cp1252", ";")):
        text = (f"Teléfono{delimiter}Nombre{delimiter}Ciudad\n8613800000001{delimiter}Zoë{delimiter}Málaga\n"
                f"8613800000001{delimiter}Zoë bis{delimiter}Cádiz\nabc{delimiter}Íñigo{delimiter}León\n")
        job = _job(CalleeListFactory(), text.encode(encoding))
        imports.import_job_queue(job)
        job = imports.import_job_run(job.pk)
        written = job.rejected_file.read().decode(encoding)
        assert list(csv.reader(io.StringIO(written), delimiter=delimiter)) == [
            ["line", "reason", "Teléfono", "Nombre", "Ciudad"],
            # A duplicate keeps every cell of its row, as a rejected row does.
            ["3", "Duplicate of line 2 (the first one is kept).", "8613800000001", "Zoë bis", "Cádiz"],
            ["4", "'abc' contains letters; a phone number has only digits.", "abc", "Íñigo", "León"],
        ]
        assert written.count(delimiter) == 3 * 4 + (delimiter == ";")  # one quoted ";" in a reason
