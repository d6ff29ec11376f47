"""Array pushes at once on PostgreSQL: reports of the same calls in different orders (issue 9: 5 of 20
were answered 503 after a deadlock)."""
import json
import random
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from campaigns.models import CallRecord

TOKEN = "s3cret-token"
PUSHES, REPORTS = 20, 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_array_pushes_of_the_same_calls_are_all_stored(settings):
    settings.LAAFFIC_WEBHOOK_TOKEN = TOKEN
    url = reverse("laaffic_voice_report", args=[TOKEN])
    now = int(time.time() * 1000)
    reports = [{"voiceId": f"v{i:04d}", "callee": "8613800000001", "callTime": now - i, "callDuration": i}
               for i in range(REPORTS)]
    bodies = []
    for push in range(PUSHES):
        shuffled = reports[:]
        random.Random(push).shuffle(shuffled)
        bodies.append(json.dumps(shuffled))
    start, statuses, lock = threading.Barrier(PUSHES), [], threading.Lock()

    def send(body):
        client = Client()
        start.wait()
        try:
            status = client.post(url, body, content_type="application/json").status_code
        finally:
            connection.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * PUSHES
    assert CallRecord.objects.count() == REPORTS
