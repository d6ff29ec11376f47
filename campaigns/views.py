"""The status-push endpoint Laaffic calls with per-call reports."""
import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .laaffic import records
from .services.tracking import call_records_ingest

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def voice_report(request, token):
    """One report or an array of them (voice-api-reference.md 7.4). Idempotent on voiceId."""
    expected = settings.LAAFFIC_WEBHOOK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    try:
        found = records.parse_push(request.body)
    except (ValueError, TypeError) as error:
        return JsonResponse({"error": f"Not a voice report: {error}"}, status=400)
    try:
        stored = call_records_ingest(found)
    except DatabaseError:
        log.exception("voice report not stored")
        return JsonResponse({"error": "Temporarily unable to store reports; send them again."}, status=503)
    return JsonResponse({"received": stored})
