"""An import into a list remembers what the file called each text it fed, so pages say "text1 (Name)"."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import ImportJob
from campaigns.services import imports
from tests.factories import CalleeListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)


def run(data: str, target: imports.Target, texts: dict, **job_fields) -> ImportJob:
    job = imports.import_job_create(SimpleUploadedFile("crm.csv", data.encode()), target)
    ImportJob.objects.filter(pk=job.pk).update(mapping={"number": 0, "texts": texts}, **job_fields)
    imports.import_job_queue(job)  # its task waits for a commit that a test never makes
    return imports.import_job_run(job.pk)


def test_the_list_keeps_the_names_of_the_columns_its_texts_came_from():
    callee_list = CalleeListFactory()
    job = run("phone,Name,Town\n34612345678,Ann,Vigo\n", imports.Target(callee_list), {"text1": 1, "text4": 2})
    callee_list.refresh_from_db()
    assert job.status == "done" and callee_list.text_names == {"text1": "Name", "text4": "Town"}
    assert callee_list.text_label("text4") == "text4 (Town)"


def test_a_file_without_column_names_drops_the_names_of_the_texts_it_feeds_only():
    callee_list = CalleeListFactory(text_names={"text1": "Name", "text2": "Plan"})
    run("34612345678,Ann\n", imports.Target(callee_list), {"text1": 1}, has_header=False)
    callee_list.refresh_from_db()
    assert callee_list.text_names == {"text2": "Plan"}


def test_an_import_that_stores_nothing_leaves_the_names_alone():
    callee_list = CalleeListFactory(text_names={"text1": "Name"})
    job = run("phone,Surname\ncall me,Ann\n", imports.Target(callee_list), {"text1": 1})
    callee_list.refresh_from_db()
    assert job.rejected == 1 and callee_list.text_names == {"text1": "Name"}


def test_an_import_into_the_do_not_call_list_names_nothing():
    job = run("phone,Why\n34612345678,Asked\n", imports.Target(None), {"reason": 1})
    assert job.status == "done" and job.imported == 1
