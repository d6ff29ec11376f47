import re
import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.laaffic import LaafficError, describe_code
from campaigns.laaffic.errors import PROVIDER_TEXTS, RETRYABLE_CODES, STATUS_MESSAGES

PAGE_CODES = ["0", "-1", "-2", "-16", "-18", "-20", "-21", "-22", "-23", "-24", "-26",
              "-35", "-37", "-38", "-39", "-41", "-46", "-53"]
CANCEL_PAGE_CODES = ["-54"]


def test_every_code_on_the_providers_page_has_a_user_message_and_the_pages_text():
    assert sorted(STATUS_MESSAGES) == sorted(PAGE_CODES + CANCEL_PAGE_CODES)
    assert sorted(PROVIDER_TEXTS) == sorted(PAGE_CODES + CANCEL_PAGE_CODES)


@pytest.mark.parametrize("code", PAGE_CODES + CANCEL_PAGE_CODES)
def test_user_messages_are_sentences_without_codes_or_secrets(code):
    message = STATUS_MESSAGES[code]
    assert message[0].isupper() and message.endswith(".")
    assert not re.search(r"-\d", message)
    assert "7bz1lzh9" not in message


def test_only_timestamp_internal_error_and_concurrency_cap_are_retryable():
    assert RETRYABLE_CODES == {"-16", "-18", "-37"}


def test_describe_code_accepts_a_number():
    assert describe_code(-41) == STATUS_MESSAGES["-41"]


def test_describe_code_leaves_out_the_providers_text_when_it_is_the_pages_own():
    assert describe_code("-1", "Authentication error") == STATUS_MESSAGES["-1"]


def test_describe_code_quotes_the_provider_when_it_says_more():
    assert describe_code("-22", "Parameter exception: taskName too long") == (
        STATUS_MESSAGES["-22"] + ' (Laaffic said: "Parameter exception: taskName too long")')


def test_describe_code_names_an_unknown_code_and_the_providers_reason():
    assert describe_code("-99", "Something new") == (
        "Laaffic refused the request with code -99: Something new")


def test_error_from_code_classifies_retryable_and_permanent_codes():
    assert LaafficError.from_code("-37").retryable is True
    permanent = LaafficError.from_code(-22, "Parameter exception")
    assert (permanent.code, permanent.retryable, permanent.reached_provider) == ("-22", False, True)
    assert str(permanent) == STATUS_MESSAGES["-22"]


def test_package_imports_neither_django_nor_project_settings():
    script = ("import sys, campaigns.laaffic; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django' "
              "or m in ('campaigns.models', 'laaffic_site.settings')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "[]"
