"""The reads behind the list and import pages, in a number of queries that does not grow with the data."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.importers.callees import CsvRefused
from campaigns.models import CalleeList, ImportJob
from campaigns.selectors.lists import callee_counts, callees_of, import_job_progress, import_preview
from campaigns.services import imports
from tests.factories import CalleeFactory, CalleeListFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lists", [2, 20])
def test_callees_of_many_lists_are_counted_in_one_query(lists, django_assert_num_queries):
    counted = [CalleeListFactory() for _ in range(lists)]
    for i, callee_list in enumerate(counted):
        CalleeFactory.create_batch(i % 3, callee_list=callee_list)
    with django_assert_num_queries(1):
        counts = callee_counts([callee_list.pk for callee_list in counted])
    assert counts == {callee_list.pk: i % 3 for i, callee_list in enumerate(counted) if i % 3}  # empty lists: absent
    with django_assert_num_queries(1):
        annotated = dict(CalleeList.objects.annotate(n=callees_of("pk")).values_list("pk", "n"))
    assert annotated == {callee_list.pk: i % 3 for i, callee_list in enumerate(counted)}


def job_for(tmp_path, settings, data: bytes) -> ImportJob:
    settings.MEDIA_ROOT = str(tmp_path)
    return imports.import_job_create(SimpleUploadedFile("people.csv", data), imports.Target(CalleeListFactory()))


@pytest.mark.parametrize("rows", [3, 300])
def test_an_import_preview_shows_the_columns_the_file_feeds_in_the_same_queries(
        rows, tmp_path, settings, django_assert_num_queries):
    lines = [f"86138{i:08d},Name {i},{'' if i else 'x' * 31}" for i in range(rows)]
    job = job_for(tmp_path, settings, ("phone,name,note\n" + "\n".join(lines) + "\n").encode())
    job.mapping = {"number": 0, "texts": {"text1": 1}}
    with django_assert_num_queries(3):  # the list's numbers, the do-not-call numbers, the row count kept
        preview = import_preview(job)
    assert preview.targets == ["text1"]  # not the nine text columns the file does not feed
    assert preview.rows[0] == (2, "8613800000000", ["Name 0"])
    assert preview.fmt.header == ["phone", "name", "note"]
    assert preview.result.report.accepted == rows
    assert ImportJob.objects.get(pk=job.pk).rows_total == rows  # what the progress bar counts to


def test_an_import_preview_of_a_file_the_encoding_cannot_read_is_refused(tmp_path, settings):
    job = job_for(tmp_path, settings, "phone\n8613800000001\n".encode("utf-16"))
    job.encoding = "utf-8"
    with pytest.raises(CsvRefused):
        import_preview(job)


def test_import_progress_is_read_from_the_job_alone(django_assert_num_queries):
    job = ImportJob(status=ImportJob.Status.RUNNING, rows_done=50, rows_total=200, message="")
    with django_assert_num_queries(0):
        progress = import_job_progress(job)
    assert progress == {"status": "running", "status_label": "Importing", "percent": 25, "rows_done": 50,
                        "rows_total": 200, "message": ""}
