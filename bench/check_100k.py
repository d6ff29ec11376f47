"""How long the pre-submit check of a 100,000-callee campaign takes, and how many queries.

Run: .venv/bin/python bench/check_100k.py   (DATABASE_URL picks the database)
Baseline, measured in the same run: reading the same rows with values_list and
a digits-only regex per number, nothing else.
"""
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laaffic_site.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402

SIZE = 100_000


def main():
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        from campaigns.models import Callee, CalleeList, Campaign, SmsTemplate
        from campaigns.services.campaigns import campaign_problems

        callee_list = CalleeList.objects.create(name="bench")
        Callee.objects.bulk_create(
            (Callee(callee_list=callee_list, number=f"86{i:011d}", text1=f"Name {i}", text2="12.50")
             for i in range(SIZE)), batch_size=5000,
        )
        template = SmsTemplate.objects.create(name="t", sms_app_id="a", content="Hi ${text1}, ${text2}")
        campaign = Campaign.objects.create(
            task_name="bench", app_id="a", callee_list=callee_list, source=3, tts_text="Hi", language="EN",
            hang_up_sms=1, sms_template=template, sms_on_ring=1,
        )
        started = time.perf_counter()
        digits = re.compile(r"[0-9]{7,15}")
        rows = Callee.objects.filter(callee_list=callee_list).values_list("number", "text1", "text2")
        assert all(digits.fullmatch(number) for number, *_ in rows.iterator(chunk_size=5000))
        baseline = time.perf_counter() - started

        campaign = Campaign.objects.get(pk=campaign.pk)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            problems = campaign_problems(campaign)
            elapsed = time.perf_counter() - started
        assert problems == [], problems
        print(f"database: {connection.vendor}; callees: {SIZE:,}")
        print(f"baseline (read rows + digits regex): {baseline:.2f} s")
        print(f"campaign_problems (build body + every rule): {elapsed:.2f} s, "
              f"{len(queries)} queries, {elapsed / baseline:.1f}x baseline")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
