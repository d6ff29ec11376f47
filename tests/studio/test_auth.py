"""Logging in and out of the studio, changing and resetting a password, and the pause after wrong passwords."""
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.studio.factories import PASSWORD, editor

pytestmark = pytest.mark.django_db
LOGIN, HOME = reverse("studio:login"), reverse("studio:home")
LOCKED = "Logging in is paused for 15 minutes"


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_a_visitor_is_sent_to_the_studio_login_and_back_to_the_page_asked_for():
    erin = editor()
    client = Client()

    assert client.get(reverse("studio:settings")).url == f"{LOGIN}?next=/settings/"
    response = client.post(f"{LOGIN}?next=/settings/", {"username": erin.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/settings/"
    assert log_in(Client(), erin.username).url == HOME


def test_the_admin_keeps_its_own_login_page():
    response = Client().get("/admin/")
    assert response.status_code == 302 and response.url == "/admin/login/?next=/admin/"
    assert 'id="login-form"' in Client().get(response.url).content.decode()  # the admin's own template


def test_a_wrong_password_is_refused_on_the_login_page():
    erin = editor()
    response = log_in(Client(), erin.username, "not-it")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_logging_out_takes_a_post_and_says_so():
    client = Client()
    client.force_login(editor())

    assert client.get(reverse("studio:logout")).status_code == 405
    response = client.post(reverse("studio:logout"), follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "You are logged out." in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_changing_the_password_needs_the_old_one_and_keeps_the_user_logged_in():
    erin = editor()
    client = Client()
    client.force_login(erin)
    url = reverse("studio:password_change")
    new = "a-new-studio-password-7"

    wrong = client.post(url, {"old_password": "guess", "new_password1": new, "new_password2": new})
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert "This password is too common." in weak.content.decode()

    changed = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, follow=True)
    assert changed.redirect_chain == [(reverse("studio:settings"), 302)]
    assert "Your password is changed." in changed.content.decode()
    assert client.get(HOME).status_code == 200  # still logged in
    assert log_in(Client(), erin.username, new).url == HOME


def reset_link():
    (message,) = mail.outbox
    return re.search(r"https?://testserver(/password/reset/\S+/\S+/)", message.body).group(1)


def test_a_password_reset_mails_a_link_that_sets_a_new_password_once():
    erin = editor(email="erin@example.com")
    client = Client()

    sent = client.post(reverse("studio:password_reset"), {"email": "ERIN@example.com"}, follow=True)
    assert "Check your email" in sent.content.decode() and "The link works once, for 3\xa0days." in sent.content.decode()
    (message,) = mail.outbox
    assert message.to == ["erin@example.com"] and message.subject == "Set a new password for Laaffic campaigns"
    assert f'account "{erin.username}"' in message.body

    form = client.get(reset_link(), follow=True)  # Django moves the token into the session
    assert "Set a new password" in form.content.decode()
    new = "spring-campaign-password-9"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert done.redirect_chain == [(LOGIN, 302)]
    assert "Your new password is set: log in with it." in done.content.decode()
    assert log_in(Client(), erin.username, new).url == HOME

    again = Client().get(reset_link(), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing():
    editor(email="erin@example.com")
    response = Client().post(reverse("studio:password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert "If an account has that email address" in response.content.decode()
    assert mail.outbox == []


def lock_out(username):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(Client(), username, "guess").status_code == 200
    return log_in(Client(), username, "guess")


def test_wrong_passwords_at_the_studio_login_pause_it_and_the_studio_says_so_in_plain_words():
    erin = editor()

    locked = lock_out(erin.username)

    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and f"The password for “{erin.username}”" in page
    assert 'href="/login/"' in page and "/admin/" not in page  # the studio's look, not the admin's
    refused = log_in(Client(), erin.username)
    assert refused.status_code == 429 and "_auth_user_id" not in refused.client.session


def test_the_admin_login_keeps_its_own_lockout_page():
    User.objects.create_user("olga", password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = Client().post(reverse("admin:login"), {"username": "olga", "password": "guess", "next": "/admin/"})
    assert locked.status_code == 429
    assert 'href="/admin/login/"' in locked.content.decode()


def test_setting_a_new_password_by_email_lifts_the_pause_for_that_name():
    erin = editor(email="erin@example.com")
    lock_out(erin.username)

    client = Client()
    client.post(reverse("studio:password_reset"), {"email": "erin@example.com"})
    form = client.get(reset_link(), follow=True)
    new = "spring-campaign-password-9"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert log_in(Client(), erin.username, new).url == HOME
