"""The status-push endpoint Laaffic calls with per-call reports."""
import hmac
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, JsonResponse, UnreadablePostError
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .laaffic import records
from .services.tracking import call_records_ingest

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def voice_report(request, token):
    """One report or an array of them (voice-api-reference.md 7.4). Idempotent on voiceId.

    The answers are the push's contract (README, "The status push"): a report that cannot be read
    is never stored and never worth sending again, so it is refused by name and the readable
    reports of the same array are stored (200); only a database failure asks for the push again.
    """
    expected = settings.LAAFFIC_WEBHOOK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    charset = request.content_params.get("charset", "utf-8").lower()
    if request.content_type != "application/json" or charset not in ("utf-8", "utf8"):
        return _refused(415, "Send the report as Content-Type application/json in UTF-8, not "
                             f"{request.META.get('CONTENT_TYPE') or 'nothing'}."[:200])
    try:
        body = request.body
    except RequestDataTooBig:
        return _refused(413, f"The push is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes; "
                             f"send at most {records.MAX_PUSH_REPORTS:,} reports per push.")
    except UnreadablePostError:
        return _refused(400, "The push ended before all of its body arrived; send it again.")
    try:
        push = records.parse_push(body, now=timezone.now())
    except records.PushTooLarge as error:
        return _refused(413, str(error))
    except ValueError as error:
        return _refused(400, f"Not a voice report: {error}")
    refused = [{"item": r.item, "field": r.field, "error": r.message} for r in push.refused]
    if not push.records:
        first = push.refused[0]
        if first.item is None:  # a push of one object
            return _refused(400, f"Not a voice report: {first.message}", field=first.field)
        return _refused(400, f"Not a voice report: none of its {len(refused)} reports can be read "
                             f"(item {first.item}: {first.message})", refused=refused)
    if refused:
        log.warning("status push: stored %d reports, refused %d: %s", len(push.records), len(refused),
                    "; ".join(f"item {r.item}: {r.message}" for r in push.refused[:3]))
    try:
        stored = call_records_ingest(push.records)
    except DatabaseError:
        log.exception("voice report not stored")
        return JsonResponse({"error": "Temporarily unable to store reports; send them again."}, status=503)
    return JsonResponse({"received": stored, **({"refused": refused} if refused else {})})


def _refused(status: int, message: str, *, field: str | None = None, **extra) -> JsonResponse:
    log.warning("status push refused (%d): %s", status, message)
    return JsonResponse({"error": message, "field": field, **extra}, status=status)
