"""The admin forms where numbers, SMS texts and recordings enter: the import's and the rules' checks, on the field."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.importers import phones
from campaigns.models import Callee, SmsTemplate, SuppressedNumber, VoiceFile
from tests.factories import CalleeFactory, CalleeListFactory

pytestmark = pytest.mark.django_db

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00" + b"\x00" * 64
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 64  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def errors_of(response):
    assert response.status_code == 200, "the form was saved"
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def add_do_not_call(client, number, reason=""):
    return client.post(reverse("admin:campaigns_suppressednumber_add"), {"number": number, "reason": reason})


def test_a_do_not_call_number_typed_with_plus_and_spaces_is_stored_as_the_import_stores_it(admin_client):
    response = add_do_not_call(admin_client, "+34 612 345 679", "Asked on the phone")
    assert response.status_code == 302
    assert list(SuppressedNumber.objects.values_list("number", "reason")) == [("34612345679", "Asked on the phone")]


def test_a_do_not_call_entry_that_is_not_a_number_is_refused_with_the_imports_message(admin_client):
    errors = errors_of(add_do_not_call(admin_client, "call me maybe"))
    assert errors == {"number": [phones.normalize("call me maybe")[1]]}
    assert errors["number"] == ["'call me maybe' contains letters; a phone number has only digits."]
    assert not SuppressedNumber.objects.exists()


def test_a_do_not_call_number_already_listed_in_another_form_is_refused_as_a_duplicate(admin_client):
    SuppressedNumber.objects.create(number="34612345679")
    errors = errors_of(add_do_not_call(admin_client, "0034 612-345-679"))
    assert errors == {"number": ["This number is already on the do-not-call list."]}


@pytest.mark.parametrize("term", ["+34 612 345 679", "0034 612-345-679", "34612345679", "Complaint"])
def test_searching_the_do_not_call_list_finds_a_number_however_it_is_typed(admin_client, term):
    SuppressedNumber.objects.create(number="34612345679", reason="Complaint")
    SuppressedNumber.objects.create(number="34612345680")
    response = admin_client.get(reverse("admin:campaigns_suppressednumber_changelist"), {"q": term})
    assert [entry.number for entry in response.context["cl"].result_list] == ["34612345679"]


def test_a_national_do_not_call_number_says_to_add_the_country_code(admin_client):
    errors = errors_of(add_do_not_call(admin_client, "0612 345 679"))
    assert errors["number"][0].startswith("'0612 345 679' starts with 0, so it is written without its country code.")


def callee_data(callee_list, number, **texts):
    return {"callee_list": callee_list.pk, "number": number, **{f"text{i}": "" for i in range(1, 11)}, **texts}


def test_the_callee_form_stores_a_typed_number_as_digits_and_refuses_what_the_import_refuses(admin_client):
    callee_list = CalleeListFactory()
    url = reverse("admin:campaigns_callee_add")
    assert admin_client.post(url, callee_data(callee_list, "+34 612 345 685", text1="Ana")).status_code == 302
    assert Callee.objects.get().number == "34612345685"
    errors = errors_of(admin_client.post(url, callee_data(callee_list, "+86 100 0000 0000")))
    assert errors == {"number": [phones.normalize("+86 100 0000 0000")[1]]}
    assert "cannot exist for country code +86" in errors["number"][0]


def test_the_callee_form_refuses_a_number_already_in_the_list_written_another_way(admin_client):
    callee = CalleeFactory(number="34612345685")
    errors = errors_of(admin_client.post(reverse("admin:campaigns_callee_add"),
                                         callee_data(callee.callee_list, "0034 612 345 685")))
    assert errors == {"number": ["This number (34612345685) is already in the list. Search the list for it and "
                                 "change that callee instead."]}


def sms_data(content):
    return {"name": "Reminder", "sms_app_id": "smsApp01", "content": content, "sender_id": ""}


def test_the_sms_template_form_refuses_a_variable_laaffic_does_not_fill(admin_client):
    errors = errors_of(admin_client.post(reverse("admin:campaigns_smstemplate_add"), sms_data("Hi ${name}!")))
    assert errors == {"content": ["SMS text uses ${name}, which is not a variable Laaffic fills; "
                                  "use ${text1} to ${text10}."]}


def test_the_sms_template_form_refuses_a_text_over_1000_characters(admin_client):
    errors = errors_of(admin_client.post(reverse("admin:campaigns_smstemplate_add"), sms_data("x" * 1001)))
    assert errors == {"content": ["SMS text is 1,001 characters long; the limit is 1,000."]}


def test_the_sms_template_form_saves_a_text_the_rules_accept(admin_client):
    response = admin_client.post(reverse("admin:campaigns_smstemplate_add"), sms_data("Hi ${text1}! " + "x" * 987))
    assert response.status_code == 302 and len(SmsTemplate.objects.get().content) == 1000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def add_voice_file(client, name, content, file_name=None):
    audio = SimpleUploadedFile(file_name or name, content)
    return client.post(reverse("admin:campaigns_voicefile_add"), {"name": name, "audio": audio,
                                                                   "provider_file_id": ""})


@pytest.mark.parametrize("name, content", [
    ("greeting.wav", WAV), ("greeting.mp3", MP3_FRAME), ("greeting.mp3", b"ID3\x04\x00" + b"\x00" * 32),
    ("greeting.m4a", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00isomM4A "),
])
def test_a_recording_in_a_format_laaffic_plays_is_saved(admin_client, media, name, content):
    assert add_voice_file(admin_client, name, content).status_code == 302
    voice = VoiceFile.objects.get()
    assert voice.name == name and voice.audio.read() == content


def test_a_voice_file_name_without_an_audio_extension_is_refused(admin_client, media):
    errors = errors_of(add_voice_file(admin_client, "greeting", WAV, file_name="greeting.wav"))
    assert errors == {"name": ["Upload file name 'greeting' must end in .mp3, .m4a or .wav, the formats "
                               "Laaffic plays (e.g. greeting.mp3)."]}


def test_a_voice_file_name_under_five_characters_is_refused_with_the_rules_message(admin_client, media):
    errors = errors_of(add_voice_file(admin_client, ".wav", WAV, file_name="a.wav"))
    assert errors == {"name": ["Upload file name must be 5 to 32 characters long; it has 4."]}


@pytest.mark.parametrize("content, file_name", [(HTML, "page.html"), (EXE, "setup.exe"), (b"", "empty.wav")])
def test_a_file_that_is_not_audio_is_refused_on_the_audio_field(admin_client, media, content, file_name):
    response = add_voice_file(admin_client, "greeting.wav", content, file_name=file_name)
    if content:
        assert errors_of(response) == {"audio": [
            f"The attached file {file_name!r} is not MP3, M4A or WAV audio (Laaffic plays only these). "
            "Export the recording as MP3 or WAV and attach that file."]}
    else:  # Django refuses an empty file before the audio check
        assert "The submitted file is empty." in errors_of(response)["audio"]
    assert not VoiceFile.objects.exists()


def test_a_recording_whose_content_does_not_match_its_extension_is_refused(admin_client, media):
    errors = errors_of(add_voice_file(admin_client, "greeting.mp3", WAV, file_name="Greeting final.wav"))
    assert errors == {"audio": ["The attached file 'Greeting final.wav' is WAV audio, but the file name 'greeting.mp3' "
                                "says MP3; end the file name in .wav instead."]}


def test_a_recording_over_the_size_limit_gets_a_field_error_not_a_500(admin_client, media, settings):
    settings.VOICE_FILE_MAX_MB = settings.CALLEE_IMPORT_MAX_MB = 1
    big = WAV.ljust(3 * 1024 * 1024, b"\x00")  # over FILE_UPLOAD_MAX_MEMORY_SIZE: through the capped handler
    errors = errors_of(add_voice_file(admin_client, "greeting.wav", big))
    assert errors == {"audio": ["The audio file is 3.0 MB; the limit is 1 MB. Shorten the recording, "
                                "or export it as MP3 (a minute of speech is about 1 MB)."]}
    assert not VoiceFile.objects.exists() and not list(media.rglob("*.wav"))


def test_a_voice_file_needs_a_recording_or_a_laaffic_id(admin_client, media):
    response = admin_client.post(reverse("admin:campaigns_voicefile_add"), {"name": "greeting.wav",
                                                                            "provider_file_id": ""})
    assert errors_of(response) == {"audio": ["Attach the recording (MP3, M4A or WAV), or give the Laaffic voice "
                                             "file ID of one already uploaded."]}
    response = admin_client.post(reverse("admin:campaigns_voicefile_add"), {
        "name": "1202202254d4c6372d6f341e999c7ecd", "provider_file_id": "1202202254d4c6372d6f341e999c7ecd0683.mp3"})
    assert response.status_code == 302


def test_editing_a_voice_file_keeps_its_stored_recording_without_checking_it_again(admin_client, media):
    add_voice_file(admin_client, "greeting.wav", WAV)
    voice = VoiceFile.objects.get()
    response = admin_client.post(reverse("admin:campaigns_voicefile_change", args=[voice.pk]),
                                 {"name": "greeting-2.wav", "provider_file_id": ""})
    assert response.status_code == 302
    voice.refresh_from_db()
    assert voice.name == "greeting-2.wav" and voice.audio.read() == WAV
