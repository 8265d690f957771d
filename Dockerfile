# A slim image that runs the service as a non-root user. Build: docker build -t autovolt .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    AUTOVOLT_DATA_DIR=/var/lib/autovolt AUTOVOLT_HTTP_PORT=8002

# libgomp for scikit-learn/Prophet; everything else comes as wheels.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/autovolt --uid 10001 autovolt

WORKDIR /app
COPY pyproject.toml README.md ./
COPY autovolt ./autovolt
COPY bot ./bot
COPY nlu ./nlu
COPY devices ./devices
COPY analytics ./analytics
COPY alerts ./alerts
COPY store ./store
RUN pip install . && rm -rf /root/.cache

USER autovolt
WORKDIR /var/lib/autovolt
EXPOSE 8002
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('AUTOVOLT_HTTP_PORT','8002'), timeout=4)"
CMD ["autovolt", "serve"]
