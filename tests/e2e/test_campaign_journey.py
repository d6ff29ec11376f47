"""A new marketing user's first campaign, in a real browser."""
import re

from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory

SUBMIT_ACTION = "Submit to Laaffic (starts calling, costs money)"


def marketing_user(username, *, can_submit):
    user = User.objects.create_user(username, password="calls-2026", is_staff=True)
    permissions = Permission.objects.filter(content_type__app_label="campaigns")
    if not can_submit:
        permissions = permissions.exclude(codename="submit_campaign")
    user.user_permissions.set(permissions)
    return user


def log_in(page, user):
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("calls-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()


def choose_in_autocomplete(page, field, text):
    page.locator(f".field-{field} .select2-selection").click()
    page.keyboard.type(text)  # into the search box the widget opens and focuses
    page.get_by_role("option", name=text).click()


def test_a_new_marketing_user_creates_and_submits_a_campaign(page, simulator, save_screenshot):
    user = marketing_user("maria", can_submit=True)
    customers = CalleeListFactory(name="Spring customers")
    for name in ("Ana", "Ben", "Chen"):
        CalleeFactory(callee_list=customers, text1=name)
    log_in(page, user)

    page.goto("/admin/campaigns/smstemplate/add/")
    page.get_by_label("Name").fill("Spring thanks")
    page.get_by_label("SMS app ID").fill("smsApp01")
    page.get_by_label("SMS text").fill("Hi ${text1}, thanks for taking our call.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.goto("/admin/campaigns/campaign/add/")
    page.get_by_label("Task name").fill("Spring sale")
    page.get_by_label("Voice app ID").fill("voiceApp1")
    choose_in_autocomplete(page, "callee_list", "Spring customers")
    page.get_by_label("Text to speak").fill("Hello, our spring sale starts today.")
    page.get_by_label("Language").fill("EN")
    hang_up_sms = page.get_by_label("Send a hang-up SMS")
    hang_up_sms.select_option(label="Yes")
    page.get_by_label("SMS template").select_option(label="Spring thanks")
    page.get_by_role("button", name="Save", exact=True).click()

    # No trigger chosen: the form says so on the field that needs fixing.
    expect(page.get_by_text("Please correct the error below.")).to_be_visible()
    hang_up_row = page.locator(".form-row", has=hang_up_sms)
    expect(hang_up_row.locator(".errorlist")).to_have_text(
        "A hang-up SMS needs at least one trigger: key press, answered call, failed call or ringing.")
    page.get_by_label("SMS after a failed call").select_option(label="Yes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.get_by_role("row", name=re.compile("Spring sale")).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label=SUBMIT_ACTION)
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Submit to Laaffic?")).to_be_visible()
    expect(page.get_by_role("cell", name="3 numbers from “Spring customers”")).to_be_visible()
    save_screenshot("journey-confirmation")
    page.get_by_role("button", name="Yes, submit 1 campaign to Laaffic").click()
    expect(page.get_by_text("1 campaign queued for sending to Laaffic")).to_be_visible()

    page.get_by_role("link", name="Spring sale").click()
    key_id = simulator.tasks["Spring sale"]["key_id"]
    expect(page.locator(".field-status .readonly")).to_have_text("Submitted")
    expect(page.locator(".field-key_id .readonly")).to_have_text(str(key_id))
    save_screenshot("journey-campaign")


def test_staff_without_the_submit_permission_are_not_offered_the_action(page):
    CampaignFactory(task_name="Autumn sale")
    log_in(page, marketing_user("sam", can_submit=False))
    page.goto("/admin/campaigns/campaign/")
    actions = page.get_by_role("combobox", name="Action").locator("option")
    expect(actions).to_contain_text(["Delete selected campaigns"])
    expect(actions.filter(has_text="Submit to Laaffic")).to_have_count(0)
