"""A new marketing user's first campaign, in a real browser."""
import csv
import re
from pathlib import Path

from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from tests.factories import CampaignFactory

SUBMIT_ACTION = "Submit to Laaffic (starts calling, costs money)"
# A CRM export with the usual damage: a number twice, letters in one, Excel's scientific notation in another.
CUSTOMERS_CSV = """Phone;text1
8613800000001;Ana
8613800000002;Ben
8613800000002;Ben again
86138ABC00003;Chen
8.61380E+12;Dana
8613800000004;Eve
"""
LETTERS = "'86138ABC00003' contains letters; a phone number has only digits."
SCIENTIFIC = ("'8.61380E+12' is in scientific notation, so the spreadsheet has lost digits. "
              "Format the column as text and export the file again.")


def marketing_user(username, *, can_submit):
    user = User.objects.create_user(username, password="calls-2026", is_staff=True)
    permissions = Permission.objects.filter(content_type__app_label="campaigns")
    if not can_submit:
        permissions = permissions.exclude(codename="submit_campaign")
    user.user_permissions.set(permissions)
    return user


def log_in(page, user):
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("calls-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()


def upload_csv(page, path):
    """From a callee list's page, step 1 of the import: the file."""
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("File").set_input_files(path)
    page.get_by_role("button", name="Upload and preview").click()


def choose_in_autocomplete(page, field, text):
    page.locator(f".field-{field} .select2-selection").click()
    # The box the widget opens; typing blind could start before it has the focus (seen under load).
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.get_by_role("option", name=text).click()


def test_a_new_marketing_user_imports_callees_and_submits_a_campaign(page, simulator, save_screenshot, settings,
                                                                    tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    export = tmp_path / "spring customers.csv"
    export.write_text(CUSTOMERS_CSV, encoding="utf-8")
    log_in(page, marketing_user("maria", can_submit=True))

    page.goto("/admin/campaigns/calleelist/add/")
    page.get_by_label("Name").fill("Spring customers")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    upload_csv(page, export)

    # Nothing is stored yet: the preview says how the file was read and what is wrong with it.
    expect(page.get_by_label("Delimiter")).to_have_value(";")
    expect(page.get_by_label("Phone number column")).to_have_value("0")
    expect(page.get_by_label("text1 comes from")).to_have_value("1")
    expect(page.locator("#to-import")).to_have_text("3")
    expect(page.locator("#duplicates")).to_have_text("1 (the first of each is kept)")
    expect(page.locator("#rejected")).to_have_text("2")
    rejected = page.locator("#rejected-rows tbody tr")
    expect(rejected.nth(0).locator("td")).to_have_text(["5", "86138ABC00003", LETTERS])
    expect(rejected.nth(1).locator("td")).to_have_text(["6", "8.61380E+12", SCIENTIFIC])
    save_screenshot("journey-import-preview")
    page.get_by_role("button", name="Import 3 rows").click()

    expect(page.locator("#summary")).to_have_text("3 imported, 1 duplicate in the file, 2 rejected.")
    save_screenshot("journey-import-summary")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the rows not imported (CSV)").click()
    download = downloading.value
    assert download.suggested_filename == "spring customers-not-imported.csv"
    # As the file was written (UTF-8, semicolons), so a spreadsheet opens both the same way.
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert list(csv.reader(lines, delimiter=";")) == [
        ["line", "reason", "Phone", "text1"],
        ["4", "Duplicate of line 3 (the first one is kept).", "8613800000002", "Ben again"],
        ["5", LETTERS, "86138ABC00003", "Chen"],
        ["6", SCIENTIFIC, "8.61380E+12", "Dana"],
    ]
    page.get_by_role("link", name="Back to the list").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)

    page.goto("/admin/campaigns/smstemplate/add/")
    page.get_by_label("Name").fill("Spring thanks")
    page.get_by_label("SMS app ID").fill("smsApp01")
    page.get_by_label("SMS text").fill("Hi ${text1}, thanks for taking our call.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.goto("/admin/campaigns/campaign/add/")
    page.get_by_label("Task name").fill("Spring sale")
    page.get_by_label("Voice app ID").fill("voiceApp1")
    choose_in_autocomplete(page, "callee_list", "Spring customers")
    page.get_by_label("Text to speak").fill("Hello, our spring sale starts today.")
    page.get_by_label("Language").fill("EN")
    hang_up_sms = page.get_by_label("Send a hang-up SMS")
    hang_up_sms.select_option(label="Yes")
    page.get_by_label("SMS template").select_option(label="Spring thanks")
    page.get_by_role("button", name="Save", exact=True).click()

    # No trigger chosen: the form says so on the field that needs fixing.
    expect(page.get_by_text("Please correct the error below.")).to_be_visible()
    hang_up_row = page.locator(".form-row", has=hang_up_sms)
    expect(hang_up_row.locator(".errorlist")).to_have_text(
        "A hang-up SMS needs at least one trigger: key press, answered call, failed call or ringing.")
    page.get_by_label("SMS after a failed call").select_option(label="Yes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.get_by_role("row", name=re.compile("Spring sale")).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label=SUBMIT_ACTION)
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Submit to Laaffic?")).to_be_visible()
    expect(page.get_by_role("cell", name="3 numbers from “Spring customers”")).to_be_visible()
    save_screenshot("journey-confirmation")
    page.get_by_role("button", name="Yes, submit 1 campaign to Laaffic").click()
    expect(page.get_by_text("1 campaign queued for sending to Laaffic")).to_be_visible()

    page.get_by_role("link", name="Spring sale").click()
    key_id = simulator.tasks["Spring sale"]["key_id"]
    expect(page.locator(".field-status .readonly")).to_have_text("Submitted")
    expect(page.locator(".field-key_id .readonly")).to_have_text(str(key_id))
    save_screenshot("journey-campaign")
    sent = next(r["body"] for r in simulator.requests if r["path"] == "voice/group/call/send")
    assert [(c["calleeNumber"], c["text1"]) for c in sent["numberInfoList"]] == [
        ("8613800000001", "Ana"), ("8613800000002", "Ben"), ("8613800000004", "Eve")]


def test_staff_without_the_submit_permission_are_not_offered_the_action(page):
    CampaignFactory(task_name="Autumn sale")
    log_in(page, marketing_user("sam", can_submit=False))
    page.goto("/admin/campaigns/campaign/")
    actions = page.get_by_role("combobox", name="Action").locator("option")
    expect(actions).to_contain_text(["Delete selected campaigns"])
    expect(actions.filter(has_text="Submit to Laaffic")).to_have_count(0)
