# Rapport's image (docs/container.md). With Docker: `docker build -t rapport .`
# Without Docker or an image registry: `make image` (buildah, on a base scripts/base-image.sh
# makes from Debian's packages: BASE=localhost/rapport-base:bookworm).
#
# BASE is any Debian bookworm image with Python 3.11 and its venv module.
ARG BASE=python:3.11-slim-bookworm

# ---- build: a wheel of Rapport, installed with its dependencies into /opt/rapport ----------
FROM ${BASE} AS build
# Where the network passes through a TLS-inspecting proxy, the build can name a CA bundle for pip
# (scripts/image-build.sh mounts the host's); unset, pip trusts its own bundle. Not in the image.
ARG PIP_CERT
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/rapport
WORKDIR /src

# Dependencies first (pyproject.toml's, and the PostgreSQL driver): a layer that changes only
# when pyproject.toml does.
COPY pyproject.toml ./
RUN python3 -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
print("\n".join(p["dependencies"] + p["optional-dependencies"]["postgres"]))' > /tmp/requirements.txt \
 && /opt/rapport/bin/pip install --quiet -r /tmp/requirements.txt

COPY README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY jobs ./jobs
RUN /opt/rapport/bin/pip wheel --quiet --no-deps --wheel-dir /wheels . \
 && /opt/rapport/bin/pip install --quiet --no-deps /wheels/rapport-*.whl \
 && /opt/rapport/bin/pip check \
 && /opt/rapport/bin/pip uninstall --quiet --yes pip setuptools \
 && /opt/rapport/bin/rapport --help > /dev/null

# ---- run: the base, the venv and a user; no compilers, no pip, no sources --------------------
FROM ${BASE}
ENV PATH=/opt/rapport/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RAPPORT_HEALTH_URL=http://127.0.0.1:3000
RUN useradd --user-group --uid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin rapport \
 && mkdir -p /data && chown rapport:rapport /data
COPY --from=build /opt/rapport /opt/rapport
COPY scripts/healthcheck.py /opt/rapport/bin/rapport-healthcheck
# The working directory: `.env` is read from here, and the embedded SQLite database (the
# default when DATABASE_URL is unset) is written here; mount a volume on /data to keep it.
WORKDIR /data
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "/opt/rapport/bin/rapport-healthcheck"]
ENTRYPOINT ["rapport"]
# HTTP mode on port 3000 (`/slack/events`, `/healthz`, `/readyz`, `/metrics`). Socket Mode: `docker run … rapport run`
# with SLACK_APP_TOKEN set. Any other command: `docker run … rapport db upgrade`.
CMD ["run", "--http", "--port", "3000"]
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="rapport" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Rapport, a Slack app for building professional relationships at work"
