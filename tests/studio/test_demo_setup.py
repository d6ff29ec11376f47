"""`make run`'s demo logins: an operator for the admin, an editor and an approver for the studio."""
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from campaigns.studio import roles
from tests.studio.factories import role_groups

pytestmark = pytest.mark.django_db


def test_demo_setup_makes_a_studio_editor_and_approver_who_are_not_admin_staff(capsys):
    role_groups()
    call_command("demo_setup")
    call_command("demo_setup")  # idempotent
    printed = capsys.readouterr().out

    for username, password, role in (("editor", "editor-calls-2026", roles.EDITOR),
                                     ("approver", "approver-calls-2026", roles.APPROVER)):
        assert printed.count(f"  {username} / {password}") == 2
        user = User.objects.get(username=username)
        assert not user.is_staff and roles.role_of(user) is role
        client = Client()
        assert client.post(reverse("studio:login"), {"username": username, "password": password}).url == "/"
        assert role.name in client.get("/").content.decode()
    assert User.objects.get(username="demo").is_staff
    assert "Admin login (operators): demo / demo-calls-2026" in printed
