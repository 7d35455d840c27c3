# syntax=docker/dockerfile:1
# GT-PPTPPO API: one image for the embedded default (a SQLite file in /data) and for scale-out
# (set GTPPTPPO_DATABASE_URL and GTPPTPPO_BROKER_URL).
#
#   docker build -t gtpptppo-api .
#   docker run -p 8000:8000 -v gtpptppo-data:/data gtpptppo-api
#   docker run --rm -v gtpptppo-data:/data gtpptppo-api \
#       gtpptppo token create --name "Sekretariat GT Pusat" --role national_admin

# --- build: the project's wheel (with its migrations and region CSV) and every dependency's ---
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip wheel --wheel-dir /wheels .

# --- runtime: installed from those wheels only, run as an unprivileged user ---
FROM python:3.11-slim

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Pango and fonts for the PDF reports (WeasyPrint); harfbuzz-subset makes font embedding fast.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels gtpptppo-api

RUN groupadd --system gtpptppo \
    && useradd --system --gid gtpptppo --home-dir /data --no-create-home gtpptppo \
    && mkdir /data \
    && chown gtpptppo:gtpptppo /data \
    && chmod 0750 /data

# The default database (gtpptppo.db) and the embedded-mode encryption key live here.
WORKDIR /data
VOLUME /data
USER gtpptppo

EXPOSE 8000
# Ready: the database at the latest migration (and the broker, when one is set). The image
# has no curl; Python's own client asks. A worker container overrides it (compose.yaml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
CMD ["gtpptppo", "serve", "--host", "0.0.0.0", "--port", "8000"]
