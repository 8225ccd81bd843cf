#!/bin/sh
# The compose "jobs" service: run `manage.py run_scheduled_jobs` once a day at JOBS_AT (HH:MM, UTC; default
# 02:30), for ever. A failed night is logged and retried the next night; run it by hand to retry sooner
# (`docker compose run --rm jobs python manage.py run_scheduled_jobs`). Hosts with cron or systemd can use
# those instead (deploy/systemd/selfdirect-jobs.timer).
set -u
while true; do
    python - <<'PY'
import datetime, os, time
hour, minute = map(int, os.environ.get("JOBS_AT", "02:30").split(":"))
now = datetime.datetime.now(datetime.timezone.utc)
at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
if at <= now:
    at += datetime.timedelta(days=1)
print(f"next scheduled jobs at {at:%Y-%m-%d %H:%M} UTC", flush=True)
time.sleep((at - now).total_seconds())
PY
    python manage.py run_scheduled_jobs || echo "scheduled jobs: some failed (see the job= lines above)" >&2
done
