"""Requests to the simulator over HTTP, signed as Laaffic's pages show, by its own clock."""
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET, auth_headers

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 3, 1, 10, 0, tzinfo=SHANGHAI)
SEND = "/voice/group/call/send"
UPLOAD = "/voice/fileUpload"
QUERY = "/voice/group/call/query"
CANCEL = "/voice/group/call/cancel"
RESEND = "/voice/group/call/resend"
RECORDS = "/voice/recordGroupQuery"
EVER = {"strTime": "2000-01-01 00:00:00", "endTime": "2099-12-31 23:59:59"}


def post(simulator, path, body, headers=None, timestamp=None) -> dict:
    """POST like the provider's docs show, with any header overridden."""
    signed = auth_headers(DOC_API_KEY, DOC_API_SECRET, timestamp or int(simulator.clock()))
    signed.update(headers or {})
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(simulator.base_url + path, data=data, headers=signed, timeout=5).json()


def control(simulator, name, body=None, method="POST") -> requests.Response:
    root = simulator.base_url.removesuffix("/v3")
    return requests.request(method, f"{root}/_sim/{name}", json=body, timeout=5)


def send(simulator, example_body, name="Spring sale", count=4, send_time=None):
    body = dict(example_body, taskName=name, sendTime=send_time, numberInfoList=[
        {"calleeNumber": f"86130000{i:05d}", "text1": f"Tom {i}"} for i in range(count)])
    answer = post(simulator, SEND, body)
    assert answer["code"] == "0", answer
    return answer["data"]


def tasks(simulator, **params) -> list[dict]:
    answer = post(simulator, QUERY, {"current": 1, "size": 100, "params": {**EVER, **params}})
    assert answer["code"] == 0, answer
    return answer["data"]["records"]


def task(simulator, key_id) -> dict:
    return next(row for row in tasks(simulator) if row["jobId"] == key_id)


def records(simulator, start, end, current=1, size=100) -> dict:
    answer = post(simulator, RECORDS, {"current": current, "size": size, "params": {
        "strTime": start.isoformat(), "endTime": end.isoformat()}})
    assert answer["status"] == "0", answer
    return answer["data"]


def all_records(simulator) -> list[dict]:
    now = datetime.fromtimestamp(simulator.now(), SHANGHAI)
    data = records(simulator, now - timedelta(days=30), now + timedelta(days=1))
    assert data["total"] <= 100
    return data["records"]
