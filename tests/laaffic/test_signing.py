from campaigns.laaffic import sign
from campaigns.laaffic.signing import auth_headers, redact_headers

KEY, SECRET, TIMESTAMP = "bDqJFiq9", "7bz1lzh9", 1630468800
DOC_SIGN = "05d7a50893e22a5c4bb3216ae3396c7c"


def test_sign_matches_the_providers_test_vector():
    assert sign(KEY, SECRET, TIMESTAMP) == DOC_SIGN


def test_sign_is_the_same_for_a_timestamp_given_as_text():
    assert sign(KEY, SECRET, str(TIMESTAMP)) == DOC_SIGN


def test_sign_changes_with_the_timestamp():
    assert sign(KEY, SECRET, TIMESTAMP + 1) != DOC_SIGN


def test_auth_headers_carry_key_timestamp_signature_and_json_content_type():
    assert auth_headers(KEY, SECRET, TIMESTAMP) == {
        "Api-Key": KEY,
        "Timestamp": "1630468800",
        "Sign": DOC_SIGN,
        "Content-Type": "application/json;charset=UTF-8",
    }


def test_auth_headers_never_contain_the_secret():
    assert SECRET not in repr(auth_headers(KEY, SECRET, TIMESTAMP))


def test_redact_headers_hides_the_signature_and_keeps_the_rest():
    redacted = redact_headers(auth_headers(KEY, SECRET, TIMESTAMP))
    assert redacted["Sign"] == "[redacted]"
    assert redacted["Api-Key"] == KEY
    assert redacted["Timestamp"] == "1630468800"


def test_redact_headers_matches_the_header_name_in_any_case_and_leaves_the_input_alone():
    headers = {"sign": DOC_SIGN, "Host": "api.laaffic.com"}
    assert redact_headers(headers) == {"sign": "[redacted]", "Host": "api.laaffic.com"}
    assert headers["sign"] == DOC_SIGN
