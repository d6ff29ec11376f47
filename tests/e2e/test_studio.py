"""The studio in Chromium: the browser's own time zone is offered, never taken silently."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import StaffProfile
from tests.studio.factories import PASSWORD, editor


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("studio:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {user.first_name}")).to_be_visible()


@pytest.mark.browser_context_args(timezone_id="Europe/Madrid")
def test_the_zone_of_a_computer_in_madrid_is_offered_and_taken_only_when_clicked(page, live_server, save_screenshot):
    erin = editor()

    log_in(page, live_server, erin)
    offer = page.locator("#zone-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Times are shown in UTC time. Use Europe/Madrid (your computer's zone) instead?")
    save_screenshot("studio-zone-offer")
    page.reload()
    assert not StaffProfile.objects.filter(user=erin).exists()  # nothing changed by itself

    offer.get_by_role("button", name="Use Europe/Madrid").click()

    expect(page.get_by_role("alert")).to_contain_text("Times are shown in Europe/Madrid time")
    expect(page.locator("#who")).to_contain_text("Europe/Madrid")
    expect(page.locator("#zone-offer")).to_have_count(0)
    assert StaffProfile.objects.get(user=erin).time_zone == "Europe/Madrid"


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_nothing_is_offered_on_a_computer_in_the_sites_zone(page, live_server):
    log_in(page, live_server, editor())
    expect(page.locator("#zone-offer")).to_be_hidden()


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_the_site_zone_can_be_kept(page, live_server):
    erin = editor()
    log_in(page, live_server, erin)

    page.get_by_role("button", name="No, keep UTC").click()

    expect(page.get_by_role("alert")).to_contain_text("Times are shown in UTC time")
    assert StaffProfile.objects.get(user=erin).time_zone == "UTC"
