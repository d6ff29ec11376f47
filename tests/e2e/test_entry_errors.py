"""What a marketing user sees when a do-not-call number, a voice file or an SMS text is not acceptable."""
from playwright.sync_api import expect

from campaigns.models import SuppressedNumber, VoiceFile
from tests.e2e.test_campaign_journey import log_in, marketing_user

HTML = b"<!doctype html><html><body><h1>Spring sale</h1></body></html>"


def fill_and_save(page, path, fields, files=None):
    log_in(page, marketing_user("marta", can_submit=False))
    page.goto(path)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    for label, file in (files or {}).items():
        page.get_by_label(label, exact=True).set_input_files(str(file))
    page.get_by_role("button", name="Save", exact=True).click()


def test_a_do_not_call_number_is_refused_or_stored_as_digits_on_its_field(page, save_screenshot, db):
    fill_and_save(page, "/admin/campaigns/suppressednumber/add/",
                  {"Phone number:": "call me maybe", "Reason:": "Asked on the phone"})
    expect(page.locator(".field-number .errorlist")).to_have_text(
        "'call me maybe' contains letters; a phone number has only digits.")
    save_screenshot("do-not-call-form-refuses-call-me-maybe")
    page.get_by_label("Phone number").fill("+34 612 345 679")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("34612345679")
    assert SuppressedNumber.objects.get().number == "34612345679"


def test_a_voice_file_that_is_a_web_page_is_refused_on_its_field(page, save_screenshot, settings, tmp_path, db):
    settings.MEDIA_ROOT = str(tmp_path)
    page_file = tmp_path / "spring-sale.html"
    page_file.write_bytes(HTML)
    fill_and_save(page, "/admin/campaigns/voicefile/add/", {"File name:": "spring-sale.mp3"},
                  files={"Audio:": page_file})
    expect(page.locator(".field-audio .errorlist")).to_have_text(
        "The attached file 'spring-sale.html' is not MP3, M4A or WAV audio (Laaffic plays only these). "
        "Export the recording as MP3 or WAV and attach that file.")
    save_screenshot("voice-file-form-refuses-html")
    assert not VoiceFile.objects.exists()


def test_an_sms_template_with_a_variable_laaffic_does_not_fill_is_refused(page, save_screenshot, db):
    fill_and_save(page, "/admin/campaigns/smstemplate/add/", {
        "Name:": "Spring reminder", "SMS app ID:": "smsApp01",
        "SMS text:": "Hi ${name}, the spring sale starts today!"})
    expect(page.locator(".field-content .errorlist")).to_have_text(
        "SMS text uses ${name}, which is not a variable Laaffic fills; use ${text1} to ${text10}.")
    save_screenshot("sms-template-form-refuses-name-variable")
