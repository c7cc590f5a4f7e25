# syntax=docker/dockerfile:1
# Lieudit: build the wheels (with compiled translations), then a slim runtime.
#   docker build -t lieudit .
#   docker run -p 8000:8000 -v lieudit-data:/data lieudit
# With no arguments the container creates/upgrades the database (`lieudit init`,
# idempotent) and serves with gunicorn; with arguments it runs them instead,
# e.g. `docker run --rm -v lieudit-data:/data lieudit lieudit user create ...`.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: wheels for the project and every dependency -----------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m pip install "Babel>=2.12"
COPY . .
# Compile the catalogs into the source tree first, so the wheel built from it
# carries the .mo files (they are git-ignored, never committed).
# The postgres extra (psycopg) lets the image take LIEUDIT_DATABASE_URL=postgresql://...
RUN pybabel compile -d wiki/translations \
 && python -m pip wheel --wheel-dir /wheels ".[postgres]" gunicorn

# --- runtime -----------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LIEUDIT_INSTANCE_PATH=/data
RUN groupadd --system --gid 10001 lieudit \
 && useradd --system --uid 10001 --gid lieudit --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin lieudit \
 && mkdir -p /data \
 && chown lieudit:lieudit /data
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m pip install --no-index --find-links=/wheels /wheels/*.whl
USER lieudit
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/-/health', timeout=3).status==200 else 1)"]
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$#\" -gt 0 ]; then exec \"$@\"; fi; lieudit init && exec gunicorn -w \"${WEB_CONCURRENCY:-4}\" -b 0.0.0.0:8000 --worker-tmp-dir /dev/shm --access-logfile - 'wiki:create_app()'", "lieudit"]
CMD []
