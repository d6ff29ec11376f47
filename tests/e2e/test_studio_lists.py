"""A list in the studio, in Chromium: created, filled from a CRM export, and its texts named after the file's
columns on every page afterwards."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import CalleeList, ImportJob
from tests.e2e.test_content_security_policy import Browser
from tests.e2e.test_studio import log_in
from tests.studio.factories import editor

CRM_EXPORT = """Mobile;Name;Plan
+34 612 345 678;Zoë;Gold
+34 612 345 679;Ann;Silver
+34 612 345 679;Ann;Silver
call me;Bob;Gold
"""


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_an_editor_creates_a_list_imports_a_file_and_sees_its_column_names(page, live_server, save_screenshot,
                                                                          settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    export = tmp_path / "crm export.csv"
    export.write_text(CRM_EXPORT, encoding="utf-8")
    policy = Browser(page)  # notes what the Content-Security-Policy refuses on each page
    log_in(page, live_server, editor(first_name="Erin"))

    page.get_by_role("link", name="Lists").click()
    expect(page.get_by_text("There are no callee lists yet")).to_be_visible()
    save_screenshot("studio-lists-empty")
    policy.look("studio-lists-empty")
    page.get_by_role("link", name="New list").click()
    page.get_by_label("Name").fill("Spring customers")
    page.get_by_label("Description").fill("Customers who bought in March")
    save_screenshot("studio-list-new")
    policy.look("studio-list-new")
    page.get_by_role("button", name="Create the list and import a file").click()

    expect(page.get_by_role("alert")).to_contain_text("The list Spring customers is created")
    page.get_by_label("CSV file").set_input_files(export)
    save_screenshot("studio-import-upload")
    policy.look("studio-import-upload")
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_label("Phone numbers are in")).to_have_value("0")
    expect(page.locator("#to-import")).to_have_text("2")
    expect(page.locator("#rejected")).to_have_text("1")
    expect(page.locator("#rejected-rows")).to_contain_text("'call me' contains letters")
    # Only the file's own columns are offered; picking one redraws the preview (htmx).
    expect(page.get_by_label("text1", exact=True).locator("option")).to_have_text(
        ["Not used", "1: Mobile", "2: Name", "3: Plan"])
    page.get_by_label("text1", exact=True).select_option(label="2: Name")
    expect(page.locator("#preview-rows thead")).to_contain_text("text1")
    expect(page.locator("#preview-rows tbody tr").first).to_contain_text("Zoë")
    save_screenshot("studio-import-preview")
    policy.look("studio-import-preview")
    page.get_by_role("button", name="Import 2 rows").click()

    expect(page.get_by_role("heading", name="The import is done")).to_be_visible()
    expect(page.locator("#imported")).to_have_text("2")
    expect(page.locator("#rejected")).to_have_text("1")
    expect(page.get_by_role("link", name="Download the rows not imported (CSV)")).to_be_visible()
    save_screenshot("studio-import-summary")
    policy.look("studio-import-summary")
    page.get_by_role("link", name="See the list").click()

    expect(page.locator("#list-counts")).to_contain_text("2 callees")
    expect(page.locator("#callees thead")).to_contain_text("text1 (Name)")
    expect(page.locator("#callees tbody tr")).to_have_count(2)
    save_screenshot("studio-list")
    policy.look("studio-list")
    assert CalleeList.objects.get().text_names == {"text1": "Name"}

    page.get_by_label("Search callees").fill("+34 612 345 679")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#callees tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Change").click()
    expect(page.get_by_label("text1 (Name)")).to_have_value("Ann")
    page.get_by_label("Phone number").fill("+34 612 345 678")  # Zoë's
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error_1_id_number")).to_contain_text("This number (34612345678) is already in the list.")
    save_screenshot("studio-callee-change-refused")
    policy.look("studio-callee-change-refused")
    page.get_by_label("Phone number").fill("+34 612 345 670")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("34612345670 is saved.")
    expect(page.locator("#callees tbody tr")).to_have_count(1)

    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Lists").click()
    expect(page.locator("#lists tbody tr td")).to_contain_text(["Spring customers", "2", "", "crm export.csv"])
    save_screenshot("studio-lists")
    policy.look("studio-lists")
    assert policy.refused == {}


def test_the_progress_moves_while_the_import_runs_and_turns_into_its_summary(page, live_server, save_screenshot):
    callee_list = CalleeList.objects.create(name="Autumn", text_names={"text1": "Name"})
    job = ImportJob.objects.create(callee_list=callee_list, original_name="autumn.csv", encoding="utf-8",
                                   delimiter=",", status=ImportJob.Status.RUNNING, rows_total=400, rows_done=100)
    policy = Browser(page)
    log_in(page, live_server, editor(first_name="Erin"))

    page.goto(live_server.url + reverse("studio:list_import_progress", args=[callee_list.pk, job.pk]))
    expect(page.locator("#progress-text")).to_contain_text("100 of 400 rows checked (25%)")
    save_screenshot("studio-import-progress")
    ImportJob.objects.filter(pk=job.pk).update(rows_done=300)
    expect(page.locator("#progress-text")).to_contain_text("300 of 400 rows checked (75%)")  # polled by htmx
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, imported=400)

    expect(page.get_by_role("heading", name="The import is done")).to_be_visible()
    expect(page.locator("#imported")).to_have_text("400")
    expect(page.locator("#text-names")).to_have_text("The texts are named after the file's columns: text1 (Name).")
    policy.look("the summary drawn by htmx")
    assert policy.refused == {}
