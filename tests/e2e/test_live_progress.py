"""Pages that follow long work without a reload: an import's progress and a running campaign's counts."""
from playwright.sync_api import expect

from campaigns.models import Campaign, ImportJob, ProviderStatus
from tests.e2e.test_campaign_journey import log_in, marketing_user
from tests.factories import CalleeListFactory, CampaignFactory


def test_the_import_progress_bar_moves_and_the_summary_appears_when_the_job_ends(page):
    user = marketing_user("ivy", can_submit=False)
    job = ImportJob.objects.create(callee_list=CalleeListFactory(name="Big list"), original_name="big.csv",
                                   encoding="utf-8", delimiter=",", mapping={"number": 0}, created_by=user,
                                   status=ImportJob.Status.RUNNING, rows_total=4000, rows_done=400)
    log_in(page, user)
    page.goto(f"/admin/campaigns/importjob/{job.pk}/progress/")
    expect(page.get_by_role("heading", name="Import of big.csv")).to_be_visible()
    expect(page.locator("#progress-text")).to_have_text("400 of 4,000 rows checked (10%).")

    ImportJob.objects.filter(pk=job.pk).update(rows_done=2600)  # what the worker writes as it goes
    expect(page.locator("#progress-text")).to_have_text("2,600 of 4,000 rows checked (65%). Importing.")
    expect(page.locator("#progress-bar")).to_have_js_property("value", 65)
    assert not page.locator("#summary").count()

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, rows_done=4000, message="3,990 imported, 0 duplicates in the file, 10 rejected.")
    expect(page.locator("#summary")).to_have_text("3,990 imported, 0 duplicates in the file, 10 rejected.")
    expect(page.get_by_role("heading", name="Step 3 of 3: Done")).to_be_visible()


def test_a_running_campaign_page_shows_new_counts_without_a_reload(page):
    user = marketing_user("leo", can_submit=False)
    campaign = CampaignFactory(task_name="Winter sale", callees=0, status=Campaign.Status.SUBMITTED, task_id=77,
                               provider_status=ProviderStatus.CALLING, progress=10, numbers_total=500,
                               numbers_called=50, numbers_success=20, numbers_failed=30)
    log_in(page, user)
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    progress = page.locator("#campaign-progress")
    expect(progress).to_contain_text("50 of 500 numbers called: 20 answered, 30 not reached.")

    Campaign.objects.filter(pk=campaign.pk).update(  # what the beat job's sync writes
        provider_status=ProviderStatus.FINISHED, progress=100, numbers_called=500, numbers_success=320,
        numbers_failed=180)
    expect(progress).to_contain_text("500 of 500 numbers called: 320 answered, 180 not reached.", timeout=10_000)
    expect(progress.get_by_role("heading")).to_have_text("On Laaffic: Finished")
    expect(progress.locator("progress")).to_have_js_property("value", 100)
