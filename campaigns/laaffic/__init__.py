"""Laaffic's voice API: signing, the HTTP client, statuses and error codes, and records.

Pure Python: imports neither Django nor the project's models or settings.
"""
from campaigns.laaffic.client import Attachment, Exchange, JsonBody, LaafficClient, RecordPage, Reply, TaskPage
from campaigns.laaffic.errors import LaafficError, describe_code
from campaigns.laaffic.records import (
    CallRecord, TaskStatus, outcome, parse_push, parse_record, parse_task,
)
from campaigns.laaffic.signing import sign

__all__ = ["LaafficClient", "LaafficError", "Attachment", "JsonBody", "Exchange", "Reply", "TaskPage", "RecordPage",
           "TaskStatus", "CallRecord", "parse_task", "parse_record", "parse_push", "outcome",
           "sign", "describe_code"]
