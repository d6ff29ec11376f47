"""Every admin page works under the Content-Security-Policy: the browser refuses nothing on any of them."""
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core import mail
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from playwright.sync_api import expect

from campaigns.models import CallRecord, Campaign, ProviderStatus, Submission, SuppressedNumber, VoiceFile
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory, SmsTemplateFactory
from tests.security.test_production_settings import STRICT_POLICY
from tests.studio.factories import PASSWORD as STUDIO_PASSWORD, UserFactory, approver, editor

PASSWORD = "calls-2026"
# Put in every page before its own scripts run (through the DevTools protocol, which the policy does not cover).
COLLECT = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline code"} at ${e.sourceFile}:${e.lineNumber}`));
"""


class Browser:
    """Visits pages and keeps what the policy refused on each, from its events and the console."""

    def __init__(self, page):
        self.page = page
        self.refused = {}
        self.console = []
        page.add_init_script(COLLECT)
        page.on("console", lambda message: self.console.append(message.text)
                if "Content Security Policy" in message.text else None)

    def look(self, what):
        """Note what the policy refused on the page now shown (after its scripts have run)."""
        self.page.evaluate("() => new Promise(resolve => setTimeout(resolve))")  # queued reports first
        found = self.page.evaluate("window.cspViolations.splice(0)") + self.console
        self.console = []
        if found:
            self.refused[what] = found

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        self.look(url)
        return response


@pytest.fixture
def site_data(settings, tmp_path):
    """One of everything an admin page shows, so that every change form has something to show."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    callee_list = CalleeListFactory(name="Spring customers")
    CalleeFactory.create_batch(3, callee_list=callee_list)
    SuppressedNumber.objects.create(number="8613800000009", reason="Asked not to be called")
    SmsTemplateFactory(name="Spring thanks")
    VoiceFile.objects.create(name="spring.mp3", provider_file_id="file-1")
    CampaignFactory(task_name="Spring sale", callee_list=callee_list, callees=0)
    running = CampaignFactory(task_name="Winter sale", callee_list=callee_list, callees=0, task_id=77,
                              status=Campaign.Status.SUBMITTED, provider_status=ProviderStatus.CALLING,
                              progress=40, numbers_total=3, numbers_called=2, numbers_success=1, numbers_failed=1)
    CampaignFactory(task_name="Autumn sale", callee_list=callee_list, callees=0, task_id=78,
                    status=Campaign.Status.SUBMITTED, provider_status=ProviderStatus.FINISHED, progress=100)
    Submission.objects.create(campaign=running, started_at=timezone.now(), finished_at=timezone.now())
    for n, outcome in enumerate([CallRecord.Outcome.ANSWERED, CallRecord.Outcome.BUSY]):
        CallRecord.objects.create(voice_id=f"v{n}", campaign=running, callee_number=f"861380000000{n}",
                                  task_id=77, outcome=outcome, call_time=timezone.now() - timedelta(minutes=n),
                                  call_duration=20, feedback_value="1", cost="0.05", currency="USD")
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="sync-campaigns", task="campaigns.tasks.sync_campaigns", interval=every_minute)
    CrontabSchedule.objects.create(minute="0", hour="9")
    SolarSchedule.objects.create(event="sunrise", latitude=40, longitude=-3)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    return running


def admin_pages(user):
    """The changelist, add form and a change form of every model in the admin."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{name}_changelist")
        if model_admin.has_add_permission(request):
            yield reverse(f"{name}_add")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield reverse(f"{name}_change", args=[first.pk])
            try:
                yield reverse(f"{name}_history", args=[first.pk])
            except NoReverseMatch:
                pass


def guess_until_paused(page):
    """Someone else guessing a password from this address, on the login page shown."""
    for _ in range(5):
        page.get_by_label("Username").fill("mallory")
        page.get_by_label("Password").fill("guess")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Logging in is paused for 15 minutes")).to_be_visible()


def choose_action(browser, campaign, action):
    browser.visit(reverse("admin:campaigns_campaign_changelist"))
    page = browser.page
    page.get_by_role("row", name=re.compile(campaign)).get_by_role("checkbox").check()
    actions = page.get_by_role("combobox", name="Action")
    actions.select_option(actions.locator("option", has_text=action).get_attribute("value"))
    page.get_by_role("button", name="Go").click()


def test_no_page_of_the_site_breaks_the_content_security_policy(page, site_data, save_screenshot, tmp_path):
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    browser = Browser(page)

    login = browser.visit(reverse("admin:login"))
    policy = login.headers["content-security-policy"]
    assert all(directive in policy for directive in STRICT_POLICY) and "unsafe" not in policy
    assert "nonce" not in policy  # no page needs an inline script

    guess_until_paused(page)
    browser.look("the lockout page")
    save_screenshot("csp-lockout")

    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()
    browser.look("the admin index")

    for url in admin_pages(boss):
        browser.visit(url)
    browser.visit(reverse("admin:campaigns_campaign_changelist"))
    save_screenshot("csp-campaigns")
    browser.visit(reverse("admin:password_change"))

    # django-celery-beat's crontab in words, whose inline script became a file.
    browser.visit(reverse("admin:django_celery_beat_periodictask_change", args=[PeriodicTask.objects.get().pk]))
    page.get_by_label("Crontab Schedule").select_option(index=1)
    expect(page.locator(".field-crontab .help")).to_contain_text("Translation: At 09:00")
    browser.look("the periodic task form")

    # Importing a list: upload, preview, progress and summary.
    browser.visit(reverse("admin:campaigns_suppressednumber_import"))
    browser.visit(reverse("admin:campaigns_calleelist_import", args=[site_data.callee_list_id]))
    export = tmp_path / "more customers.csv"
    export.write_text("phone,name\n8613800000011,Ana\n86138ABC00003,Chen\n", encoding="utf-8")
    page.get_by_label("File").set_input_files(export)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#to-import")).to_have_text("1")
    browser.look("the import preview")
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.locator("#summary")).to_contain_text("1 imported")
    browser.look("the import summary")

    # A running campaign's page with its live progress (which refreshes itself every 3 seconds).
    browser.visit(reverse("admin:campaigns_campaign_change", args=[site_data.pk]))
    Campaign.objects.filter(pk=site_data.pk).update(numbers_called=3)
    expect(page.locator("#campaign-progress")).to_contain_text("3 of 3 numbers called", timeout=10_000)
    browser.look("the live progress")
    browser.visit(reverse("admin:campaigns_campaign_results", args=[site_data.pk]))
    expect(page.locator("#calls")).to_contain_text("2")
    save_screenshot("csp-results")
    browser.visit(reverse("admin:campaigns_campaign_results", args=[site_data.pk]) + "?outcome=answered")

    # The pages that ask before spending money or stopping calls.
    choose_action(browser, "Spring sale", "Submit to Laaffic")
    expect(page.get_by_role("heading", name="Submit to Laaffic?")).to_be_visible()
    browser.look("the submit confirmation")
    choose_action(browser, "Autumn sale", "Call again")
    expect(page.get_by_role("button", name="Yes, call again")).to_be_visible()
    browser.look("the call-again confirmation")
    choose_action(browser, "Winter sale", "Cancel on Laaffic")
    expect(page.get_by_role("button", name="Yes, cancel 1 campaign")).to_be_visible()
    browser.look("the cancel confirmation")
    choose_action(browser, "Spring sale", "Delete selected")
    browser.look("the delete confirmation")

    assert not browser.refused, "\n".join(f"{what}: {line}" for what, lines in browser.refused.items()
                                          for line in lines)


def test_the_check_sees_what_the_policy_refuses(page, site_data):
    """The test above would notice: an inline style and an inline script are reported."""
    browser = Browser(page)
    browser.visit(reverse("admin:login"))
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
                     const s = document.createElement("script"); s.textContent = "window.ran = 1";
                     document.body.append(s);""")
    browser.look("the login page with injected code")

    refused = browser.refused["the login page with injected code"]
    assert any("style-src" in line for line in refused)
    assert any("script-src" in line for line in refused)
    assert page.evaluate("window.ran") is None


def test_no_page_of_the_studio_breaks_the_content_security_policy(page, save_screenshot):
    """The studio's pages, its Bootstrap and htmx (which must not inject its indicator <style>) under the policy."""
    erin, alex, nobody = editor(), approver(first_name="Alex", last_name="Approver"), UserFactory()
    browser = Browser(page)

    login = browser.visit(reverse("studio:login"))
    assert all(directive in login.headers["content-security-policy"] for directive in STRICT_POLICY)
    save_screenshot("studio-login")
    guess_until_paused(page)
    browser.look("the studio's lockout page")
    save_screenshot("studio-lockout")

    browser.visit(reverse("studio:password_reset"))
    page.get_by_label("Email").fill(erin.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    browser.look("the password reset sent page")
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    browser.look("the set-a-new-password page")

    def log_in(user, heading):
        page.context.clear_cookies()
        browser.visit(reverse("studio:login"))
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(STUDIO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        browser.look(f"home of {user.username}")

    log_in(nobody, "You have no role in the studio yet")
    save_screenshot("studio-no-role")
    log_in(alex, "Welcome, Alex")
    save_screenshot("studio-home-approver")
    log_in(erin, f"Welcome, {erin.first_name}")
    save_screenshot("studio-home-editor")
    browser.visit(reverse("studio:settings"))
    page.get_by_label("Your time zone").select_option("Asia/Tokyo")  # the clock comes from htmx
    expect(page.locator("#zone-clock")).to_contain_text("In Asia/Tokyo it is now")
    page.get_by_label("Your phone number for test calls").fill("call me maybe")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#id_phone_number")).to_have_class(re.compile("is-invalid"))
    browser.look("the settings page with an error")
    save_screenshot("studio-settings")
    assert page.locator("style").count() == 0  # htmx added no <style> of its own

    browser.visit(reverse("studio:password_change"))
    page.get_by_label("Old password").fill("guess")
    page.locator("#id_new_password1").fill("a-new-studio-password-7")
    page.locator("#id_new_password2").fill("a-new-studio-password-7")
    page.get_by_role("button", name="Change my password").click()
    expect(page.locator("#id_old_password")).to_have_class(re.compile("is-invalid"))
    browser.look("the password change page with an error")
    save_screenshot("studio-password-change")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("alert")).to_contain_text("You are logged out.")
    browser.look("the login page after logging out")

    assert not browser.refused, "\n".join(f"{what}: {line}" for what, lines in browser.refused.items()
                                          for line in lines)
