# selfdirect production image: gunicorn serving Django, WhiteNoise serving the collected static files.
#
#   docker build -t selfdirect .
#   docker run --env-file selfdirect.env -p 8000:8000 selfdirect
#
# Documented in docs/deployment.md. Not built or run in this project's CI: the development machines have no
# container engine. compose.yaml runs it with PostgreSQL 15 and the scheduled jobs.

# --- Front-end assets: GOV.UK Frontend compiled with the app's Sass (what `make assets` does) -----------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=optional --ignore-scripts
COPY assets ./assets
RUN mkdir -p static/dist static/govuk \
    && node_modules/.bin/sass --load-path=node_modules --quiet-deps --silence-deprecation=import \
        --style=compressed --no-source-map assets/scss/app.scss static/dist/app.css \
    && cp -R node_modules/govuk-frontend/dist/govuk/assets static/govuk/assets \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/

# --- The application ------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=selfdirect.settings \
    PORT=8000 \
    WEB_CONCURRENCY=3

# postgresql-client: pg_dump/pg_restore for scripts/backup.sh and restore.sh (Debian 12's is PostgreSQL 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system selfdirect \
    && useradd --system --gid selfdirect --home-dir /app --shell /usr/sbin/nologin selfdirect

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY manage.py ./
COPY selfdirect ./selfdirect
COPY scripts/backup.sh scripts/restore.sh ./scripts/
COPY deploy/docker/jobs-loop.sh deploy/docker/healthcheck.py ./deploy/docker/
COPY static ./static
COPY --from=assets /build/static/dist ./static/dist
COPY --from=assets /build/static/govuk ./static/govuk

# Collected (hashed, compressed) at build time; the key exists only for this step and is not kept.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/media \
    && chown -R selfdirect:selfdirect /app/media

USER selfdirect
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/docker/healthcheck.py"]

# Migrations are a separate step of each release (compose.yaml's migrate service; docs/deployment.md).
# --forwarded-allow-ips: trust X-Forwarded-* only from the reverse proxy in front (set it to the proxy's address).
CMD ["sh", "-c", "exec gunicorn selfdirect.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --timeout 60 --access-logfile - --forwarded-allow-ips=${FORWARDED_ALLOW_IPS:-127.0.0.1}"]
