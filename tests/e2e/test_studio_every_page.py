"""Every studio page in Chromium, for an approver and an editor: it answers (tests/studio/pages.py finds the pages
in the studio's URL patterns, so a page added later is walked too), the Content-Security-Policy refuses nothing
on it, and no request leaves for any host but the site: no CDN, font, analytics or map tile, ever."""
import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_content_security_policy import Browser
from tests.e2e.test_studio import log_in
from tests.studio import pages
from tests.studio.factories import approver, editor

NOT_SHOWN = ("Download is starting", "net::ERR_HTTP_RESPONSE_CODE_FAILURE")
CHROMIUM_ERROR_PAGE = "chrome-error://chromewebdata/"
LOCAL_SCHEMES = ("data", "blob")  # made by the page itself, nothing leaves the browser


class Outbound:
    """Lets a browser context reach the site only: a request for any other origin is aborted and noted, with
    the page that made it. Also notes what bypasses routing (a service worker's request, a web socket)."""

    def __init__(self, context, site):
        self.site = _origin(site)
        self.foreign = {}  # (the page shown, the address asked for) -> "aborted", or how it was seen
        self.showing = "(before any page)"
        # Only what is not the site reaches this test: the site's own requests are matched in the browser's
        # driver, not sent to Python, which would double the walk's time.
        context.route(re.compile(rf"^(?!{re.escape(site)}/)"), self._route)
        context.on("request", lambda request: self._note(request.url, "asked for, refused before routing"))
        context.on("page", self._watch)
        for page in context.pages:
            self._watch(page)

    def _watch(self, page):
        page.on("websocket", lambda socket: self._note(socket.url, "web socket"))

    def allowed(self, url) -> bool:
        return urlsplit(url).scheme in LOCAL_SCHEMES or _origin(url) == self.site

    def _note(self, url, how):
        if not self.allowed(url):
            self.foreign.setdefault((self.showing, url), how)

    def _route(self, route):
        if self.allowed(route.request.url):
            route.continue_()
        else:
            self.foreign[self.showing, route.request.url] = "aborted"
            route.abort("blockedbyclient")

    def report(self) -> str:
        return "\n".join(f"{showing}: {url} ({how})" for (showing, url), how in self.foreign.items())


def _origin(url) -> str:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname}:{port}"


class Walker:
    """Visits each page as the user logged in, judging the answer as tests/studio/pages.py says."""

    def __init__(self, page, live_server, outbound):
        self.page, self.site, self.outbound = page, live_server.url, outbound
        self.policy = Browser(page)  # what the Content-Security-Policy refuses, by page
        self.wrong, self.visited, self.pictured = [], [], set()
        self.error_pages = 0  # Chromium's own error pages shown (for an error with an empty body)
        page.on("framenavigated", self._count_error_page)

    def _count_error_page(self, frame):
        if frame == self.page.main_frame and frame.url == CHROMIUM_ERROR_PAGE:
            self.error_pages += 1

    def error_page_shown(self, before, seconds=5):
        deadline = time.monotonic() + seconds
        while self.error_pages == before:
            assert time.monotonic() < deadline, "Chromium never showed its error page"
            self.page.wait_for_timeout(5)

    def visit(self, role, walked):
        self.outbound.showing = f"{role} on {walked.url}"
        started = time.monotonic()
        before = self.error_pages
        try:
            response = self.page.goto(self.site + walked.url)
        except PlaywrightError as error:
            # A download (CSV), or a 405's empty body, which Chromium answers with its own error page.
            if not any(sign in error.message for sign in NOT_SHOWN):
                raise
            response = None
            if "ERR_HTTP_RESPONSE_CODE_FAILURE" in error.message:
                self.error_page_shown(before)  # or it would interrupt the next visit
        if response is None:  # asked again, outside the page
            answer = self.page.request.get(self.site + walked.url)
            status, text, final = answer.status, "", urlsplit(answer.url).path
            if status != 405 and "attachment" not in answer.headers.get("content-disposition", ""):
                self.wrong.append(f"{role} on {walked.url}: Chromium showed nothing ({answer.status}, "
                                  f"{answer.headers.get('content-type')})")
        else:
            status, final = response.status, urlsplit(self.page.url).path
            text = self.page.content() if status == 403 or walked.name in pages.SHOWS else ""
            self.policy.look(f"{role} on {walked.url}")
            self.picture(role, walked, status, final)
        problem = pages.refusal(role, walked.name, status, text, final)
        if problem:
            self.wrong.append(f"{role} on {walked.url} ({walked.name}): {problem}")
        self.visited.append((role, walked, status, final, time.monotonic() - started))

    def picture(self, role, walked, status, final):
        """A full-page screenshot, test-artifacts/walk-<role>-<page>.png, of each page as shown: once, not for
        every step of a launched campaign (each sends to its page), and for the editor only where refused
        (a page is otherwise the same for both, and a picture costs as much as the visit)."""
        seen = final if status == 200 else (walked.name, status)  # the polite 403 once a page
        if seen in self.pictured or (role == "editor" and status != 403):
            return
        self.pictured.add(seen)
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"walk-{role}-{walked.label}.png", full_page=True)


@pytest.mark.browser_context_args(timezone_id="UTC")
def test_every_studio_page_works_and_asks_nothing_of_another_host(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    alex, erin = approver(first_name="Alex"), editor(first_name="Erin")
    objs = pages.objects(alex)
    outbound = Outbound(page.context, live_server.url)
    walker = Walker(page, live_server, outbound)

    for role, user in (("approver", alex), ("editor", erin)):
        page.context.clear_cookies()
        outbound.showing = f"{role} logging in"
        log_in(page, live_server, user)
        for walked in pages.discover(user, objs):
            walker.visit(role, walked)

    for role, walked, status, final, seconds in walker.visited:  # shown with -s
        print(f"{role:8} {status} {seconds * 1000:5.0f} ms {walked.url}" + (f" -> {final}" if final != walked.url
                                                                            else ""))
    assert not outbound.foreign, "requests for another host:\n" + outbound.report()
    assert not walker.policy.refused, "\n".join(f"{what}: {line}" for what, lines in walker.policy.refused.items()
                                                 for line in lines)
    assert not walker.wrong, "\n".join(walker.wrong)
    for role in ("approver", "editor"):
        shown = {walked.name for who, walked, status, _, _ in walker.visited if who == role and status == 200}
        assert pages.TODAY <= shown, f"the walk as {role} missed {sorted(pages.TODAY - shown)}"


def test_the_guard_notes_and_stops_a_request_for_another_host(page, live_server):
    """The walk above would notice: a page of the site asking a CDN for a script, a style sheet, a font, an image
    and data has each request aborted and noted, while its requests to the site itself go through."""
    outbound = Outbound(page.context, live_server.url)
    bootstrap = "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css"
    served = []
    page.on("requestfinished", lambda request: served.append(urlsplit(request.url).path))
    failed = {}
    page.on("requestfailed", lambda request: failed.setdefault(request.url, request.failure))
    # A page of the site as another engineer might write it, served without the site's policy (which would
    # stop some of these before they were asked for).
    injected = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{bootstrap}">
      <link rel="stylesheet" href="https://cdn.example.com/x.css">
      <script src="https://cdn.example.com/x.js"></script>
      <style>@font-face {{ font-family: F; src: url(https://fonts.example.net/f.woff2); }}
             p {{ font-family: F; }}</style>
    </head><body><p>Hello</p><img src="//images.example.org/logo.png" alt="">
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
      <script>fetch("https://api.example.com/track").catch(() => {{}});</script></body></html>"""
    page.route(f"{live_server.url}/injected/", lambda route: route.fulfill(body=injected, content_type="text/html"))
    outbound.showing = "the injected page"

    page.goto(live_server.url + "/injected/", wait_until="networkidle")

    caught = {url: how for (showing, url), how in outbound.foreign.items() if showing == "the injected page"}
    assert set(caught) == {"https://cdn.example.com/x.css", "https://cdn.example.com/x.js",
                           "https://fonts.example.net/f.woff2", "http://images.example.org/logo.png",
                           "https://api.example.com/track"}, outbound.report()
    assert set(caught.values()) == {"aborted"}
    assert all(failed[url].startswith("net::ERR_BLOCKED_BY_CLIENT") for url in caught), failed  # none left
    assert bootstrap in served  # the site's own files still load
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"  # Bootstrap's reboot applied
