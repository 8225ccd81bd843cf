"""The container's HEALTHCHECK: GET /health/ on the app's own port, as the first of ALLOWED_HOSTS (Django
refuses other host names). /health/ is exempt from the HTTPS redirect. Exit 0 when healthy, 1 otherwise."""

import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(",")[0].strip() or "127.0.0.1"
request = urllib.request.Request(f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - the container's own port
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
