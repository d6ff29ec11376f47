"""Every studio page that answers GET, found by walking `campaigns.studio.urls`, so that a page added later is
walked too (by tests/studio/test_every_page.py with Django's client and tests/e2e/test_studio_every_page.py in
Chromium). A path argument this module cannot fill fails the walk, asking for a line in FILL below."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from campaigns.models import CallRecord, Campaign, ImportJob, ProviderStatus, Submission, SuppressedNumber, VoiceFile
from campaigns.services import imports
from tests.factories import CalleeFactory, CalleeListFactory, CampaignFactory, SmsTemplateFactory

NAMESPACE = "studio"

# Patterns not walked, and why. Everything else must be filled and answer.
SKIP = {
    "logout": "POST only, and a visit would end the walk's own session",
}



def steps():
    """The campaign builder's steps (/campaigns/<id>/edit/<step>/), each visited: the builder's own list once it
    is merged, the steps issue 11 names until then."""
    try:
        from campaigns.studio import builder
    except ImportError:
        return ["audience", "message", "sms", "schedule", "agents", "review"]
    return [step.slug for step in builder.STEPS]


FILE = "Mobile;Name;City\n+34 612 345 678;Zoë;Madrid\n+34 612 345 679;Ann;Sevilla\nabc;Bob;Bilbao\n"


@dataclass
class Objects:
    """One of everything a studio page shows, made by `objects()`."""

    callee_list: object
    callee: object
    import_done: ImportJob
    import_waiting: ImportJob
    draft: Campaign
    running: Campaign
    finished: Campaign
    voice_file: VoiceFile
    sms_template: object

    @property
    def campaigns(self):
        return [self.draft, self.running, self.finished]


def objects(user=None) -> Objects:
    """A list (with named texts) and its callees, a finished import with a row refused and one waiting for
    confirmation, a draft, a running and a finished campaign with calls, a recording and an SMS template.
    Needs MEDIA_ROOT pointed somewhere disposable."""
    callee_list = CalleeListFactory(name="Spring customers", text_names={"text1": "Name", "text2": "City"})
    callees = CalleeFactory.create_batch(3, callee_list=callee_list, text2="Madrid")
    SuppressedNumber.objects.create(number=callees[-1].number, reason="Asked not to be called")

    def upload():
        job = imports.import_job_create(SimpleUploadedFile("crm export.csv", FILE.encode("utf-8")),
                                        imports.Target(callee_list), user=user)
        job.mapping = {"number": 0, "texts": {"text1": 1, "text2": 2}}
        job.save(update_fields=["mapping"])
        return job

    done = upload()
    ImportJob.objects.filter(pk=done.pk).update(status=ImportJob.Status.QUEUED)
    done = imports.import_job_run(done.pk)  # the worker's service, run here
    assert done.status == ImportJob.Status.DONE and done.rejected_file, done.message
    waiting = upload()

    template = SmsTemplateFactory(name="Spring thanks")
    voice_file = VoiceFile.objects.create(name="spring.mp3", provider_file_id="file-1")
    draft = CampaignFactory(task_name="Spring sale", callee_list=callee_list, callees=0)
    running = CampaignFactory(task_name="Winter sale", callee_list=callee_list, callees=0, task_id=77,
                              status=Campaign.Status.SUBMITTED, provider_status=ProviderStatus.CALLING,
                              progress=40, numbers_total=3, numbers_called=2, numbers_success=1, numbers_failed=1)
    finished = CampaignFactory(task_name="Autumn sale", callee_list=callee_list, callees=0, task_id=78,
                               status=Campaign.Status.SUBMITTED, provider_status=ProviderStatus.FINISHED,
                               progress=100, numbers_total=3, numbers_called=3, numbers_success=2,
                               numbers_failed=1)
    now = timezone.now()
    for campaign in (running, finished):
        Submission.objects.create(campaign=campaign, started_at=now, finished_at=now)
        for n, outcome in enumerate([CallRecord.Outcome.ANSWERED, CallRecord.Outcome.BUSY]):
            CallRecord.objects.create(voice_id=f"v{campaign.task_id}-{n}", campaign=campaign,
                                      callee_number=callees[n].number, task_id=campaign.task_id, outcome=outcome,
                                      call_time=now - timedelta(minutes=n), call_duration=20, feedback_value="1",
                                      cost="0.05", currency="USD")
    return Objects(callee_list, callees[0], done, waiting, draft, running, finished, voice_file, template)


def _section(objs, route, user):
    """`pk` is the object of the section the page is in: /lists/<pk>/ a list, /campaigns/<pk>/ a campaign."""
    section = route.lstrip("^/").split("/", 1)[0]
    return {"lists": [objs.callee_list], "campaigns": objs.campaigns}.get(section)


# What fills a path argument, by its name: (objects, route, user) -> the values to visit (None: cannot).
FILL = {
    "pk": _section,
    "list_id": lambda objs, route, user: [objs.callee_list],
    "list_pk": lambda objs, route, user: [objs.callee_list],
    "callee_list_id": lambda objs, route, user: [objs.callee_list],
    "callee_id": lambda objs, route, user: [objs.callee],
    "job_id": lambda objs, route, user: [objs.import_done],
    "import_id": lambda objs, route, user: [objs.import_done],
    "campaign_id": lambda objs, route, user: objs.campaigns,
    "campaign_pk": lambda objs, route, user: objs.campaigns,
    "step": lambda objs, route, user: steps(),
    "voice_file_id": lambda objs, route, user: [objs.voice_file],
    "sms_template_id": lambda objs, route, user: [objs.sms_template],
    "template_id": lambda objs, route, user: [objs.sms_template],
    # The emailed "set a new password" link, for the user walking (as stored: logging in changes the token).
    "uidb64": lambda objs, route, user: [urlsafe_base64_encode(force_bytes(user.pk))],
    "token": lambda objs, route, user: [default_token_generator.make_token(type(user).objects.get(pk=user.pk))],
}

# Pages shown only for some of the objects FILL gives, by url name: what fills their arguments instead.
FOR_PAGE = {
    # An import's preview is drawn while it waits for confirmation (once confirmed, it sends to the progress).
    "list_import_preview": {"job_id": lambda objs, route, user: [objs.import_waiting]},
}


UNNAMED = {"uidb64", "token"}  # left out of a page's label (a file name): they change at every run


@dataclass(frozen=True)
class Page:
    name: str  # the url name inside the studio's namespace: "list_import" (or "approval:ask" in an include)
    url: str
    label: str  # the name and the objects in its path: "list_import_preview-3-8"


def patterns(urlpatterns, namespace=NAMESPACE, prefix="", arguments=()):
    """(name, route, path arguments) of every pattern, includes resolved; the name is namespaced below
    `namespace` ("studio:approval:ask" for an include with its own namespace)."""
    for entry in urlpatterns:
        route = prefix + str(entry.pattern)
        named = (*arguments, *entry.pattern.regex.groupindex)  # a route's <int:pk> and a regex's (?P<pk>...)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from patterns(entry.url_patterns, inner, route, named)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if entry.name else None), route, list(named)


def discover(user, objs: Objects, urlpatterns=None, namespace=NAMESPACE) -> list[Page]:
    """A GET address for every studio page, with each combination of the objects its path names."""
    if urlpatterns is None:
        from campaigns.studio import urls

        urlpatterns = urls.urlpatterns
    found = []
    for name, route, arguments in patterns(urlpatterns, namespace):
        assert name, f"the pattern {route!r} has no name: give it one, so that the walk can reverse it"
        short = name.split(":", 1)[1]
        if short in SKIP:
            continue
        choices = []
        for argument in arguments:
            fill = FOR_PAGE.get(short, {}).get(argument) or FILL.get(argument)
            values = fill(objs, route, user) if fill else None
            assert values, f"{name} ({route}): add {argument} to the mapping in tests/studio/pages.py (FILL)"
            choices.append([(argument, getattr(value, "pk", value)) for value in values])
        for combination in itertools.product(*choices):
            kwargs = dict(combination)
            label = "-".join([short.replace(":", "-"),
                              *(str(value) for key, value in kwargs.items() if key not in UNNAMED)])
            found.append(Page(short, reverse(name, kwargs=kwargs), label))
    return found


# The pages there are today: a walk that misses one of them has lost its way (and cannot pass by visiting nothing).
TODAY = {"home", "login", "password_change", "password_reset", "password_reset_sent", "password_reset_confirm",
         "settings", "zone_clock", "lists", "list_new", "list", "list_export", "list_callee_new", "list_callee",
         "list_import", "list_import_preview", "list_import_progress", "list_import_rejected"}
PUBLIC = {"login", "password_reset", "password_reset_sent", "password_reset_confirm"}  # shown to anyone
APPROVERS_ONLY = "This is for campaign approvers"  # the heading of the polite 403 (studio/no_access.html)


# What a page shown for objects in one state says, by url name: the walk reached that state, not a refusal.
SHOWS = {"password_reset_confirm": "Set a new password", "list_import_preview": "Which column is what"}


def refusal(role, name, status, text, final_path) -> str | None:
    """What is wrong with page `name`'s answer to a user of `role` ("editor" or "approver"), or None.

    Fine: 200 (after redirects within the site, never to the login page), 405 for an address that only takes
    POST, and for an editor the polite 403 of a page for approvers."""
    if final_path == reverse(f"{NAMESPACE}:login"):
        return "sent to the login page"
    if status == 200 and name in SHOWS and SHOWS[name] not in text:
        return f"does not say {SHOWS[name]!r}"
    if status in (200, 405):
        return None
    if status == 403 and role == "editor" and APPROVERS_ONLY in text:
        return None
    return f"answered {status}"
