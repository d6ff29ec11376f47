"""Every studio page, found by walking its URL patterns (tests/studio/pages.py), answers an editor and an
approver: 200, 405 for an address that only takes POST, or the polite 403 of an approvers' page to an editor.
Never a 404 or a 500, and a page added later is walked too (its path arguments must be in the mapping)."""
import pytest
from django.test import Client
from django.urls import include, path, re_path, reverse

from tests.factories import CampaignFactory
from tests.studio import pages
from tests.studio.factories import approver, editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)


def visit(client, page):
    response = client.get(page.url, follow=True)
    final = response.redirect_chain[-1][0] if response.redirect_chain else page.url
    text = response.content.decode("utf-8", "replace") if not response.streaming else ""
    return response.status_code, text, final.split("?", 1)[0]


@pytest.mark.parametrize("role,make", [("approver", approver), ("editor", editor)])
def test_every_studio_page_answers_an_editor_and_an_approver(role, make, media):
    user = make()
    walk = pages.discover(user, pages.objects(user))
    client = Client(raise_request_exception=False)  # a 500 is reported with its page, not raised
    client.force_login(user)

    wrong, answered = [], {}
    for page in walk:
        status, text, final = visit(client, page)
        answered[page.label] = status
        print(f"{role:8} {status} {page.url}" + (f" -> {final}" if final != page.url else ""))  # shown with -s
        problem = pages.refusal(role, page.name, status, text, final)
        if problem:
            wrong.append(f"{page.url} ({page.name}) {problem}")

    assert not wrong, "\n".join(wrong)
    shown = {page.name for page in walk if answered[page.label] == 200}
    assert pages.TODAY <= shown, f"the walk missed {sorted(pages.TODAY - shown)}"


def test_no_studio_page_but_logging_in_shows_anything_to_someone_logged_out(media):
    erin = editor()
    walk = pages.discover(erin, pages.objects(erin))
    login = reverse("studio:login")
    client = Client(raise_request_exception=False)

    wrong = []
    for page in walk:
        response = client.get(page.url)
        status = response.status_code
        if page.name in pages.PUBLIC:  # the emailed reset link moves to its own address first
            fine = status == 200 or (status == 302 and response.url.startswith("/password/reset/"))
        else:  # sent to log in (a POST-only address refuses the GET first)
            fine = status == 405 or (status == 302 and response.url.startswith(f"{login}?next="))
        if not fine:
            wrong.append(f"{page.url} answered {status} to someone logged out")

    assert not wrong, "\n".join(wrong)
    assert len(walk) >= len(pages.TODAY)


def test_a_live_part_of_a_page_whose_session_ended_sends_the_whole_page_to_log_in():
    campaign = CampaignFactory()
    for url in [reverse("studio:campaign_live", args=[campaign.pk]), reverse("studio:campaign_audience_counts")]:
        response = Client().get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver/campaigns/{campaign.pk}/")
        assert response.status_code == 200 and response["HX-Redirect"] == f"/login/?next=%2Fcampaigns%2F{campaign.pk}%2F"


def test_the_judge_takes_only_the_polite_approvers_403_for_an_editor_and_a_page_in_its_state():
    assert pages.refusal("editor", "x", 403, f"<h1>{pages.APPROVERS_ONLY}</h1>", "/campaigns/1/launch/") is None
    assert pages.refusal("editor", "x", 403, "<h1>Forbidden</h1>", "/x/") == "answered 403"
    assert pages.refusal("approver", "x", 403, f"<h1>{pages.APPROVERS_ONLY}</h1>", "/x/") == "answered 403"
    assert pages.refusal("editor", "x", 404, "", "/x/") == "answered 404"
    assert pages.refusal("editor", "x", 200, "", "/login/") == "sent to the login page"
    assert pages.refusal("editor", "x", 405, "", "/x/") is None
    assert pages.refusal("editor", "password_reset_confirm", 200, "This link no longer works", "/x/") == \
        "does not say 'Set a new password'"


def view(request, **kwargs):
    raise AssertionError("never called: the walk only builds addresses")


def test_a_page_whose_path_the_walk_cannot_fill_fails_it_asking_for_the_mapping(media):
    user = editor()
    objs = pages.objects(user)
    later = [path("", view, name="home"), path("lists/<int:pk>/", view, name="list"),
             path("coupons/<int:coupon_id>/", view, name="coupon")]
    with pytest.raises(AssertionError, match="add coupon_id to the mapping in tests/studio/pages.py"):
        pages.discover(user, objs, later, namespace="studio")


def test_the_walk_goes_into_includes_with_the_arguments_of_every_level():
    inner = [path("", view, name="index"), re_path(r"^(?P<campaign_id>[0-9]+)/sms/$", view, name="sms")]
    found = list(pages.patterns([path("approval/<int:pk>/", include((inner, "approval")))]))
    assert found == [("studio:approval:index", "approval/<int:pk>/", ["pk"]),
                     ("studio:approval:sms", "approval/<int:pk>/^(?P<campaign_id>[0-9]+)/sms/$", ["pk", "campaign_id"])]
