"""A task that fails in a real worker leaves its traceback in the worker's log."""
import pytest

from campaigns.tasks import submit_campaign

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_an_unexpected_error_in_a_task_is_logged_with_its_traceback(start_worker):
    worker = start_worker()
    submit_campaign.delay("not-a-number")
    worker.wait_for_log("raised unexpected: ValueError")
    log = worker.log()
    assert "ERROR/MainProcess] Task campaigns.tasks.submit_campaign[" in log
    assert "Traceback (most recent call last)" in log
    assert 'campaigns/services/campaigns.py", line' in log  # the frame that failed
