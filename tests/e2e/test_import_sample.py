"""A file longer than the preview's sample: the preview says its counts are for the first rows, the
import checks every row and the rows not imported come back as the file was written."""
import csv
from pathlib import Path

from playwright.sync_api import expect

from campaigns.models import CalleeList
from tests.e2e.test_campaign_journey import log_in, marketing_user, upload_csv


def test_a_long_file_is_previewed_by_its_first_rows_and_imported_whole(page, save_screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CALLEE_IMPORT_PREVIEW_ROWS = 20
    rows = [f"86138000{i:05d};Cliente {i};Sevilla" for i in range(40)] + ["86138000ABC;Ñoño;Cádiz"]
    rows.insert(30, "86138000{:05d};Cliente otra vez;Huelva".format(3))
    export = tmp_path / "clientes.csv"
    export.write_text("Teléfono;Nombre;Ciudad\n" + "\n".join(rows) + "\n", encoding="cp1252")
    CalleeList.objects.create(name="Clientes")
    log_in(page, marketing_user("lucia", can_submit=False))
    page.goto("/admin/campaigns/calleelist/")
    page.get_by_role("link", name="Clientes").click()
    upload_csv(page, export)
    expect(page.locator("#sample-note")).to_contain_text("the counts below are for the first 20 rows (of about 42)")
    expect(page.locator("#rows-read")).to_have_text("the first 20 (about 42 in the file)")
    expect(page.locator("#to-import")).to_have_text("20")
    expect(page.locator("#rejected")).to_have_text("0")
    save_screenshot("import-long-file-preview")
    page.get_by_role("button", name="Check every row and import").click()

    expect(page.locator("#summary")).to_have_text("40 imported, 1 duplicate in the file, 1 rejected.")
    expect(page.locator("#progress-text")).to_contain_text("42 of 42 rows checked")
    save_screenshot("import-long-file-summary")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the rows not imported (CSV)").click()
    written = Path(downloading.value.path()).read_text(encoding="cp1252")
    assert list(csv.reader(written.splitlines(), delimiter=";")) == [
        ["line", "reason", "Teléfono", "Nombre", "Ciudad"],
        ["32", "Duplicate of line 5 (the first one is kept).", "8613800000003", "Cliente otra vez", "Huelva"],
        ["43", "'86138000ABC' contains letters; a phone number has only digits.", "86138000ABC", "Ñoño", "Cádiz"],
    ]
