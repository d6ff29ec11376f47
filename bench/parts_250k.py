"""How long launching a 250,000-callee list in parts takes: storing the list (the import's bulk path), the
review, and the launch (check, then the split into three parts, each slice copied with INSERT … SELECT).
Nothing is sent: the parts are left queued.

Run: .venv/bin/python bench/parts_250k.py   (DATABASE_URL picks the database)
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laaffic_site.settings")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIZE", 250_000))


def timed(what, action):
    started = time.perf_counter()
    result = action()
    print(f"{what}: {time.perf_counter() - started:.2f} s")
    return result


def main():
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        from django.db import connection, transaction

        from campaigns.models import Campaign
        from campaigns.selectors.campaigns import campaign_review
        from campaigns.services.campaigns import _queue
        from tests.factories import CampaignFactory, callee_list_of

        print(f"database: {connection.vendor}, {SIZE:,} callees")
        with transaction.atomic():  # as the import stores a file: one transaction
            callee_list = timed("store the list (import's bulk path)", lambda: callee_list_of(SIZE))
        campaign = CampaignFactory(callee_list=callee_list, callees=0, task_name="Bench")
        review = timed("review (campaign_review)", lambda: campaign_review(campaign))
        assert len(review.parts) == 3
        with transaction.atomic():  # as an admin action or a view runs it
            result = timed("launch: check and split into parts (no send)", lambda: _queue(campaign, None))
        assert len(result.sends) == 3
        print("parts:", list(Campaign.objects.filter(part_of=campaign).values_list("task_name", flat=True)))
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
