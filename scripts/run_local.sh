#!/usr/bin/env bash
# Starts the local Laaffic simulator (unless real credentials are configured),
# a Celery worker on the embedded broker and the site. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SIM_PORT=${SIM_PORT:-8765}
SITE_PORT=${SITE_PORT:-8000}
export DJANGO_DEBUG=${DJANGO_DEBUG:-true}
# The simulator pushes call reports to the site; the token is the secret part of that URL.
export LAAFFIC_WEBHOOK_TOKEN=${LAAFFIC_WEBHOOK_TOKEN:-local-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}
export LAAFFIC_SYNC_SECONDS=${LAAFFIC_SYNC_SECONDS:-10}

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

read -r has_credentials has_app_id < <(DJANGO_SETTINGS_MODULE=laaffic_site.settings $PY -c \
  "from django.conf import settings as s; print(int(bool(s.LAAFFIC_API_KEY and s.LAAFFIC_API_SECRET)), int(bool(s.LAAFFIC_APP_ID)))")
if [ "$has_credentials" = "0" ]; then
  # The simulator's demo credentials are the ones from Laaffic's own documentation.
  export LAAFFIC_API_URL="http://127.0.0.1:${SIM_PORT}/v3" LAAFFIC_API_KEY=bDqJFiq9 LAAFFIC_API_SECRET=7bz1lzh9
  # Unless one is configured, new campaigns get the demo's voice app ID: nobody has to look one up to try the studio.
  [ "$has_app_id" = "1" ] || export LAAFFIC_APP_ID=demoApp1
  $PY manage.py laaffic_simulator --port "$SIM_PORT" --call-seconds 60 \
    --push-url "http://127.0.0.1:${SITE_PORT}/laaffic/voice-report/${LAAFFIC_WEBHOOK_TOKEN}/" &
  pids+=($!)
  echo "Laaffic simulator: $LAAFFIC_API_URL (no real credentials configured)"
else
  echo "Using the Laaffic API at the configured LAAFFIC_API_URL"
fi

# --beat runs the periodic status sync inside the worker: one process fewer on a laptop.
.venv/bin/celery -A laaffic_site worker --beat --loglevel=INFO --concurrency=2 &
pids+=($!)

echo
echo "Studio: http://127.0.0.1:${SITE_PORT}/   (log in as editor or approver, printed above)"
echo "Admin for operators: http://127.0.0.1:${SITE_PORT}/admin/   login: demo / demo-calls-2026"
echo
$PY manage.py runserver "127.0.0.1:${SITE_PORT}" --noreload
