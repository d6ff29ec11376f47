"""Memory of saving, previewing and submitting a campaign whose message is a large recorded file.

Run: .venv/bin/python bench/voice_file_memory.py [MB]   (default 50 MB; DATABASE_URL picks the database)
Baseline, measured in the same run: reading the file into memory once.
Figures are tracemalloc peaks (Python's own allocations, which hold the audio) of each step,
in the web process: the admin's change form saved (the campaign check runs), the submit
confirmation page, then the submission to the Laaffic simulator (running in a child process,
so its decoding is not counted). Only public entry points are used, so the same script can be
run against an older checkout for a before/after comparison.
"""
import multiprocessing
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laaffic_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

MB = 1024 * 1024
KEY, SECRET = "bDqJFiq9", "7bz1lzh9"


def serve_simulator(pipe):
    from campaigns.simulator import Simulator

    with Simulator(api_key=KEY, api_secret=SECRET) as simulator:
        pipe.send(simulator.base_url)
        pipe.recv()  # until the parent is done


def peak(step):
    """(peak MB above the start, seconds) of `step()`."""
    tracemalloc.reset_peak()
    start, started = tracemalloc.get_traced_memory()[0], time.perf_counter()
    step()
    return (tracemalloc.get_traced_memory()[1] - start) / MB, time.perf_counter() - started


def main(size_mb: int):
    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve_simulator, args=(child_end,), daemon=True)
    child.start()
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    media = tempfile.TemporaryDirectory()
    try:
        from django.contrib.auth.models import User
        from django.core.files import File
        from django.test import Client
        from django.urls import reverse

        from campaigns.models import Callee, CalleeList, Campaign, VoiceFile
        from campaigns.services.campaigns import campaign_queue, campaign_submit

        settings.MEDIA_ROOT = media.name
        settings.ALLOWED_HOSTS = ["testserver"]
        settings.LAAFFIC_API_URL, settings.LAAFFIC_API_KEY, settings.LAAFFIC_API_SECRET = (
            parent_end.recv(), KEY, SECRET)
        source = Path(media.name) / "source.wav"
        with source.open("wb") as handle:  # a WAV header, then silence
            handle.write(b"RIFF\0\0\0\0WAVEfmt ")
            handle.truncate(size_mb * MB)
        voice = VoiceFile(name="big-greeting.wav")
        with source.open("rb") as handle:  # stored directly: the form's size limit would refuse it
            voice.audio.save("big-greeting.wav", File(handle), save=True)
        source.unlink()
        callee_list = CalleeList.objects.create(name="bench")
        Callee.objects.create(callee_list=callee_list, number="8613000000001")
        campaign = Campaign.objects.create(task_name="bench", app_id="app01", callee_list=callee_list,
                                           source=Campaign.Source.INLINE_FILE, voice_file=voice, tts_text="")
        client = Client()
        client.force_login(User.objects.create_superuser("bench", password="x"))
        change = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        form = {"task_name": "bench", "app_id": "app01", "display_number": "", "callee_list": callee_list.pk,
                "source": 2, "voice_file": voice.pk, "tts_text": "", "language": "", "loop_count": 1,
                "max_call_seconds": 60, "max_ringing_seconds": 60, "delay_play_seconds": 0,
                "delay_hangup_seconds": 0, "hang_up_sms": 0, "sms_on_key_press": 0, "sms_on_success": 0,
                "sms_on_failure": 0, "sms_on_ring": 0, "to_agents": 0, "submissions-TOTAL_FORMS": 0,
                "submissions-INITIAL_FORMS": 0}

        def read_once():
            with voice.audio.open("rb") as handle:
                handle.read()

        def save():
            response = client.post(change, form)
            assert response.status_code == 302, response.context["adminform"].form.errors

        def preview():
            response = client.post(reverse("admin:campaigns_campaign_changelist"),
                                   {"action": "submit_to_laaffic", "_selected_action": [campaign.pk]})
            assert response.status_code == 200 and b"confirm-submit" in response.content

        def submit():
            assert campaign_queue(Campaign.objects.get(pk=campaign.pk)).queued
            result = campaign_submit(campaign.pk)
            assert result.status == Campaign.Status.SUBMITTED, result.message

        tracemalloc.start()
        baseline, _ = peak(read_once)
        print(f"database: {connection.vendor}; voice file: {size_mb} MB (WAV, sent with the task)")
        print(f"baseline (read the file once): {baseline:.1f} MB")
        for label, step in (("save the campaign in the admin (campaign check)", save),
                            ("submit confirmation page", preview),
                            ("submit to the simulator (HTTP)", submit)):
            used, seconds = peak(step)
            print(f"{label}: peak {used:.1f} MB, {used / baseline:.2f}x baseline, {seconds:.2f} s")
        tracemalloc.stop()
    finally:
        parent_end.send("stop")
        child.join(timeout=10)
        runner.teardown_databases(old)
        media.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
