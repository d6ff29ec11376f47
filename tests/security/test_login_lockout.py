"""Guessing passwords at the admin login: a user name is locked on one address after a few failures."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = reverse("admin:login")
PASSWORD = "calls-2026"
OFFICE, ELSEWHERE, PROXY = "203.0.113.10", "198.51.100.20", "10.0.0.2"
LOCKED = "Logging in is paused for 15 minutes"
WRONG = "Please enter the correct username and password"


@pytest.fixture
def maria():
    return User.objects.create_user("maria", password=PASSWORD, is_staff=True)


def log_in(password, address=OFFICE, username="maria", **headers):
    """One try from a browser of its own (no session shared with other tries)."""
    return Client(REMOTE_ADDR=address, **headers).post(LOGIN, {"username": username, "password": password,
                                                                "next": "/admin/"})


def logged_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def lock_out(username="maria", address=OFFICE, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert WRONG in log_in("guess", address, username, **headers).content.decode()
    response = log_in("guess", address, username, **headers)
    assert response.status_code == 429
    return response


def test_200_wrong_passwords_lock_the_user_on_that_address_and_the_right_one_is_then_refused(maria):
    answers = [log_in(f"guess-{n}") for n in range(200)]

    assert [r.status_code for r in answers] == [200] * 4 + [429] * 196
    page = answers[4].content.decode()
    assert LOCKED in page
    assert "The password for “maria” was wrong\n    5 times in a row from this network" in page
    assert "wait 15 minutes, then log in with the right password" in page
    refused = log_in(PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert "_auth_user_id" not in refused.client.session


def test_the_same_user_from_another_address_and_another_user_from_that_address_are_not_locked(maria):
    User.objects.create_user("li", password=PASSWORD, is_staff=True)
    lock_out()

    assert logged_in(log_in(PASSWORD, address=ELSEWHERE))
    assert logged_in(log_in(PASSWORD, username="li"))
    assert log_in(PASSWORD).status_code == 429


def test_the_lock_ends_when_the_lockout_time_has_passed_since_the_last_try(maria):
    lock_out()

    def tried_ago(minutes):
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=minutes))

    tried_ago(14)
    assert log_in(PASSWORD).status_code == 429  # which, tried while locked, starts the 15 minutes again
    tried_ago(14)
    assert log_in(PASSWORD).status_code == 429
    tried_ago(15)
    assert logged_in(log_in(PASSWORD))
    assert not AccessAttempt.objects.exists()  # a success forgets the failures


def test_an_administrator_lifts_the_lock_from_the_admin(maria, admin_client):
    lock_out()
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "maria" in attempts and OFFICE in attempts and "Locked Out" in attempts

    attempt = AccessAttempt.objects.get(username="maria")
    confirmed = admin_client.post(reverse("admin:axes_accessattempt_changelist"),
                                  {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert confirmed.status_code == 302
    assert logged_in(log_in(PASSWORD))


def test_x_forwarded_for_is_ignored_unless_proxies_are_configured(maria):
    """A guesser cannot escape the lock by writing another address into the header."""
    lock_out(HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert log_in(PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429
    assert AccessAttempt.objects.get().ip_address == OFFICE


def test_behind_a_proxy_the_address_it_appended_counts_not_what_the_client_wrote(maria, settings):
    settings.LOGIN_PROXY_COUNT = 1
    lock_out(address=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {OFFICE}")

    assert log_in(PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {OFFICE}").status_code == 429
    assert logged_in(log_in(PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE))  # another person behind the proxy
    assert AccessAttempt.objects.get().ip_address == OFFICE


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.10, <script>", " , "])
def test_behind_a_proxy_an_unreadable_header_counts_as_the_proxy_address(maria, settings, forwarded):
    settings.LOGIN_PROXY_COUNT = 1
    log_in("guess", PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert AccessAttempt.objects.get().ip_address == PROXY
