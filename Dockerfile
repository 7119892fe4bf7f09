# Mailadmin: the panel under gunicorn, static files served by WhiteNoise.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        default-libmysqlclient-dev pkg-config gcc gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /data mailadmin \
    && mkdir -p /data && chown mailadmin /data && chmod 700 /data
# Static files are collected into the image (no secret needed: a throw-away key).
ENV MAILADMIN_DATA_DIR=/data STATIC_ROOT=/app/staticfiles PYTHONUNBUFFERED=1
RUN SECRET_KEY=collectstatic-only MAILADMIN_DATA_DIR=/tmp/build \
    python manage.py collectstatic --no-input -v0 \
    && python manage.py compilemessages -v0 && rm -rf /tmp/build
USER mailadmin
EXPOSE 8000
CMD ["gunicorn", "mailadmin.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
