"""The studio's roles: groups from a migration, read from permissions; everyone else is told whom to ask."""
import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.generic import TemplateView

from campaigns.studio import roles
from campaigns.studio.access import StudioMixin
from tests.studio.factories import UserFactory, approver, editor

HOME = reverse("studio:home")
BUILD = {f"{action}_{model}" for model in ("calleelist", "callee", "importjob", "smstemplate", "voicefile", "campaign")
         for action in ("add", "change", "view")}
SEE = {"view_callrecord", "view_submission", "view_suppressednumber", "fetch_call_results"}


def group_permissions():
    return {group.name: {p.codename for p in group.permissions.all()} for group in Group.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_the_two_groups_with_their_permissions_and_takes_them_back():
    executor = MigrationExecutor(connection)
    executor.migrate([("campaigns", "0008_contract_table")])
    assert not Group.objects.filter(name__in=(roles.EDITORS, roles.APPROVERS)).exists()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert group_permissions() == {roles.EDITORS: BUILD | SEE,
                                   roles.APPROVERS: BUILD | SEE | {"submit_campaign", "cancel_campaign"}}


def home(user):
    client = Client()
    client.force_login(user)
    return client.get(HOME)


@pytest.mark.django_db
def test_an_editor_is_told_their_role_and_who_launches_and_cannot_launch():
    approver(first_name="Alex", last_name="Approver")
    erin = editor()

    response = home(erin)

    assert response.status_code == 200 and not erin.is_staff
    page = response.content.decode()
    assert "Campaign editor" in page and "an approver launches them" in page
    assert "Campaigns are launched by Alex Approver." in page
    assert "You can launch campaigns" not in page


@pytest.mark.django_db
def test_an_approver_is_told_they_can_launch():
    page = home(approver()).content.decode()
    assert "Campaign approver" in page and "You can launch campaigns" in page
    assert "Campaigns are launched by" not in page


@pytest.mark.django_db
def test_the_people_who_launch_are_the_active_holders_of_the_permission_at_most_ten_named():
    for n in range(12):
        approver(first_name=f"Ana{n:02d}")
    approver(first_name="Gone", is_active=False)
    User.objects.create_superuser("root", "root@example.com", "x")

    names, more = roles.launchers()

    assert names == [f"Ana{n:02d}" for n in range(10)] and more == 2
    assert "and 2 more." in home(editor()).content.decode()


@pytest.mark.django_db
def test_someone_without_a_role_gets_a_polite_page_naming_the_groups_to_ask_for():
    response = home(UserFactory())

    assert response.status_code == 403
    page = response.content.decode()
    assert "You have no role in the studio yet" in page and "Ask your administrator" in page
    assert roles.EDITORS in page and roles.APPROVERS in page
    assert "Go to the admin" not in page
    assert "Go to the admin" in home(UserFactory(is_staff=True)).content.decode()  # operators are shown the way


class LaunchPage(StudioMixin, TemplateView):
    permission_required = roles.LAUNCH
    template_name = "studio/home.html"


def visit_launch_page(user):
    request = RequestFactory().get("/launch/")
    request.user = user
    response = LaunchPage.as_view()(request)
    return response.render() if isinstance(response, TemplateResponse) else response


@pytest.mark.django_db
def test_a_page_for_approvers_tells_an_editor_it_is_for_approvers():
    refused = visit_launch_page(editor())
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "This is for campaign approvers" in page and "You are a campaign editor." in page

    assert visit_launch_page(approver()).status_code == 200
    assert visit_launch_page(User.objects.create_superuser("root", "root@example.com", "x")).status_code == 200


@pytest.mark.django_db
def test_a_page_of_the_studio_sends_a_visitor_to_log_in():
    request = RequestFactory().get("/launch/")
    request.user = AnonymousUser()
    response = LaunchPage.as_view()(request)
    assert response.status_code == 302 and response.url == "/login/?next=/launch/"
