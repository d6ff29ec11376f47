"""A 250,000-number list launched against the simulator over real HTTP: three tasks, each posted once, and
one progress and one set of results across them (what the review says of such a list is tested in
tests/services/test_parts.py). The site's tasks run in this process (eager), so it runs on SQLite and
PostgreSQL alike; the list is stored by the import's bulk path (COPY on PostgreSQL)."""
import time

import pytest
from django.db.models import Count

from campaigns.models import CallRecord, Campaign, Submission
from campaigns.selectors.campaigns import campaign_progress
from campaigns.services.campaigns import campaign_queue
from campaigns.services.results import campaign_results
from campaigns.services.tracking import campaign_backfill, campaign_sync
from campaigns.simulator import Simulator
from tests.conftest import DOC_KEY, DOC_SECRET
from tests.factories import CampaignFactory, callee_list_of
from tests.services.test_parts import posts

pytestmark = pytest.mark.django_db
PARTS = {"Quarter million (1/3)": 100_000, "Quarter million (2/3)": 100_000, "Quarter million (3/3)": 50_000}


@pytest.fixture
def frozen_simulator(settings):
    """The simulator on a stopped clock (set again by the test, moved on with `advance`): each task's calls end
    over 1,000 seconds from its start, so what has ended when is known exactly."""
    clock = [time.time()]
    with Simulator(api_key=DOC_KEY, api_secret=DOC_SECRET, clock=lambda: clock[0], call_seconds=1000) as sim:
        settings.LAAFFIC_API_URL = sim.base_url
        settings.LAAFFIC_API_KEY, settings.LAAFFIC_API_SECRET = DOC_KEY, DOC_SECRET
        settings.LAAFFIC_TIMEOUT = 30.0  # a 100,000-number body is checked by the simulator before it answers
        yield sim, clock


def test_a_quarter_million_numbers_go_out_as_three_tasks_posted_once_with_one_progress_and_results(
        frozen_simulator, django_capture_on_commit_callbacks):
    sim, clock = frozen_simulator
    campaign = CampaignFactory(callee_list=callee_list_of(250_000), callees=0, task_name="Quarter million")
    clock[0] = time.time()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's tasks, in this process
        result = campaign_queue(campaign, user=None)
    assert result.queued and result.message == "Quarter million is queued for sending as 3 tasks of at most 100,000 numbers."
    assert {name: task["callee_count"] for name, task in sim.tasks.items()} == PARTS
    assert [posts(sim, name) for name in PARTS] == [1, 1, 1]
    assert Submission.objects.filter(campaign__part_of=campaign, outcome="accepted").count() == 3
    assert not Submission.objects.filter(campaign=campaign).exists()

    sim.advance(2)  # two seconds in: calls 1-200 of each 100,000-number task have ended, 1-100 of the last
    campaign_sync(campaign)
    campaign.refresh_from_db()
    progress = campaign_progress(campaign)
    assert (progress["numbers"], progress["called"], progress["final"]) == (250_000, 500, False)
    assert progress["success"] + progress["fail"] == 500
    assert [part["called"] for part in progress["parts"]] == [200, 200, 100]
    assert progress["provider_status"] == "Calling"

    assert campaign_backfill(campaign) == 500  # the record query: no task id, each call linked to its part
    by_part = dict(CallRecord.objects.values_list("campaign__task_name").annotate(n=Count("id")))
    assert by_part == {"Quarter million (1/3)": 200, "Quarter million (2/3)": 200, "Quarter million (3/3)": 100}
    results = campaign_results(campaign)
    parts = [campaign_results(part) for part in campaign.parts.order_by("part_number")]
    assert results.total == 500 == sum(part.total for part in parts)
    assert results.outcomes == [(label, sum(dict(part.outcomes)[label] for part in parts))
                                for label, _ in results.outcomes]

    sim.advance(498)  # half way through each task
    campaign_sync(campaign)
    campaign.refresh_from_db()
    progress = campaign_progress(campaign)
    assert (progress["called"], progress["progress"]) == (125_000, 50)
    assert [part["progress"] for part in progress["parts"]] == [50, 50, 50]

    for name in PARTS:
        sim.finish(name)
    campaign_sync(campaign)
    campaign.refresh_from_db()
    progress = campaign_progress(campaign)
    assert (progress["called"], progress["progress"], progress["final"]) == (250_000, 100, True)
    assert campaign.status == Campaign.Status.PARTS and [posts(sim, name) for name in PARTS] == [1, 1, 1]
