"""A staff member's own settings: their time zone (used on every page) and their phone number for test calls."""
from datetime import datetime, timezone
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.importers import phones
from campaigns.models import StaffProfile
from tests.studio.factories import editor

pytestmark = pytest.mark.django_db
SETTINGS, ZONE, CLOCK = reverse("studio:settings"), reverse("studio:time_zone"), reverse("studio:zone_clock")
NOW = datetime(2026, 3, 3, 13, 5, tzinfo=timezone.utc)  # a Tuesday


def logged_in(user=None, **headers):
    client = Client(**headers)
    client.force_login(user or editor())
    return client


def test_saving_the_settings_stores_the_zone_and_the_number_as_the_import_would():
    client = logged_in()
    assert client.get(SETTINGS).status_code == 200
    assert not StaffProfile.objects.exists()  # made when first saved

    response = client.post(SETTINGS, {"time_zone": "Europe/Madrid", "phone_number": "+34 612-345 679"}, follow=True)

    assert "Your settings are saved." in response.content.decode()
    profile = StaffProfile.objects.get()
    assert (profile.time_zone, profile.phone_number) == ("Europe/Madrid", "34612345679")
    assert profile.phone_number == phones.normalize("+34 612-345 679")[0]


@pytest.mark.parametrize("typed", ["call me maybe", "0612 345 679", "+34 1", "6.12345679E+10", "+999 123 456 789"])
def test_a_phone_number_the_import_would_reject_is_refused_with_the_import_message(typed):
    response = logged_in().post(SETTINGS, {"time_zone": "", "phone_number": typed})

    assert response.status_code == 200
    reason = phones.normalize(typed)[1]
    assert reason and response.context["form"].errors == {"phone_number": [reason]}
    assert not StaffProfile.objects.exists()


@pytest.mark.parametrize("zone", ["Mars/Olympus", "localtime", "../../etc/passwd", "Europe/Madrid" + "x" * 100])
def test_a_time_zone_that_is_not_in_the_list_is_refused_naming_it(zone):
    response = logged_in().post(SETTINGS, {"time_zone": zone, "phone_number": ""})

    errors = response.context["form"].errors["time_zone"]
    assert response.status_code == 200 and errors
    assert not StaffProfile.objects.exists()
    if len(zone) <= 64:
        assert errors == [f"“{zone}” is not a time zone name. Pick your zone from the list, written as region/city "
                          "(e.g. Europe/Madrid), or leave it empty for the site's zone."]


def clock(response):
    return " ".join(response.content.decode().split("id=\"zone-clock\"", 1)[1].split("</p>", 1)[0].split())


def test_pages_show_times_in_the_users_zone_and_otherwise_in_the_sites():
    erin = editor()
    client = logged_in(erin)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        site = client.get(SETTINGS)
        StaffProfile.objects.create(user=erin, time_zone="Asia/Tokyo")
        own = client.get(SETTINGS)

    assert "In UTC it is now <strong>13:05</strong> on Tuesday 3 March." in clock(site)
    assert "In Asia/Tokyo it is now <strong>22:05</strong> on Tuesday 3 March." in clock(own)
    assert "· <span title=\"Times are shown in this zone\">Asia/Tokyo</span>" in own.content.decode()


def test_the_admin_reads_times_in_the_users_zone_too(admin_user):
    StaffProfile.objects.create(user=admin_user, time_zone="America/New_York")
    page = logged_in(admin_user).get(reverse("admin:campaigns_campaign_add")).content.decode()
    assert "Your time (America/New_York)" in page


def test_a_zone_the_system_no_longer_knows_falls_back_to_the_sites():
    erin = editor()
    StaffProfile.objects.create(user=erin, time_zone="Europe/Madrid")
    StaffProfile.objects.update(time_zone="Europe/Atlantis")  # dropped from the tz database since it was picked

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = logged_in(erin).get(SETTINGS)
    assert response.status_code == 200 and "In UTC it is now <strong>13:05</strong>" in clock(response)


def test_the_browser_zone_is_offered_until_a_zone_is_chosen():
    erin = editor()
    client = logged_in(erin)
    assert 'id="zone-offer"' in client.get(reverse("studio:home")).content.decode()

    response = client.post(ZONE, {"time_zone": "Europe/Madrid", "next": "/settings/"}, follow=True)

    assert response.redirect_chain == [("/settings/", 302)]
    assert "Times are shown in Europe/Madrid time; you can change that in Settings." in response.content.decode()
    assert StaffProfile.objects.get(user=erin).time_zone == "Europe/Madrid"
    assert 'id="zone-offer"' not in client.get(reverse("studio:home")).content.decode()


def test_keeping_the_sites_zone_answers_the_offer_too():
    erin = editor()
    logged_in(erin).post(ZONE, {"time_zone": "UTC", "next": "/"})
    assert StaffProfile.objects.get(user=erin).time_zone == "UTC"


def test_an_offered_zone_that_is_not_one_changes_nothing_and_says_why():
    erin = editor()
    StaffProfile.objects.create(user=erin, time_zone="Asia/Tokyo")

    response = logged_in(erin).post(ZONE, {"time_zone": "Mars/Olympus", "next": "/"}, follow=True)

    assert "Time zone: “Mars/Olympus” is not a time zone name." in response.content.decode()
    assert StaffProfile.objects.get(user=erin).time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("back", ["https://elsewhere.example/", "//elsewhere.example/", ""])
def test_after_the_offer_only_a_page_of_this_site_is_returned_to(back):
    response = logged_in().post(ZONE, {"time_zone": "Europe/Madrid", "next": back})
    assert response.status_code == 302 and response.url == reverse("studio:home")


def test_the_clock_partial_shows_the_time_in_the_zone_picked():
    client = logged_in(HTTP_HX_REQUEST="true")
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        tokyo = client.get(CLOCK, {"time_zone": "Asia/Tokyo"})
        site = client.get(CLOCK, {"time_zone": ""})
    bad = client.get(CLOCK, {"time_zone": "Mars/Olympus"})

    assert tokyo.status_code == 200 and "<html" not in tokyo.content.decode()
    assert "In Asia/Tokyo it is now <strong>22:05</strong>" in clock(tokyo)
    assert "In UTC it is now <strong>13:05</strong>" in clock(site)
    assert bad.status_code == 400 and "“Mars/Olympus” is not a time zone name." in clock(bad)
    assert Client().get(CLOCK).status_code == 302  # logged-in users only


def test_after_an_error_the_clock_shows_the_zone_picked_and_the_pages_keep_the_saved_one():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = logged_in().post(SETTINGS, {"time_zone": "Asia/Tokyo", "phone_number": "call me maybe"})

    assert "In Asia/Tokyo it is now <strong>22:05</strong>" in clock(response)
    assert "· <span title=\"Times are shown in this zone\">UTC</span>" in response.content.decode()
