# One image for the three services of the Delta Producer Suite; env SERVICE chooses which one runs:
#   jobs-initiator | publication-graph-maintainer | dump-file-publisher
# Drop-in for the lblod images: listens on port 80, reads /config, writes files under /share (and the
# maintainer its durable intake/outbox logs under /data). docs/deployment.md explains the rest.
#
# The build runs the commands CI runs on every clean clone (.ci/run: `npm ci --no-audit --no-fund`,
# then `npm run typecheck`, whose first step is `npm run build` = `tsc -b`), so a green CI means these
# steps work; services/dev-gateway/test/integration/packaging/packaging.test.ts keeps the two in step.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY services/core/package.json services/core/
COPY services/dev-gateway/package.json services/dev-gateway/
COPY services/jobs-initiator/package.json services/jobs-initiator/
COPY services/publication-graph-maintainer/package.json services/publication-graph-maintainer/
COPY services/dump-file-publisher/package.json services/dump-file-publisher/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY services ./services
RUN npm run build
# Production dependencies only; sources, tests and build metadata stay behind.
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf services/*/src services/*/test services/*/bench services/*/tsconfig*.json services/*/dist/.tsbuildinfo

FROM ${NODE_IMAGE}
# curl: operators trigger jobs with `docker compose exec <service> curl …` (the lblod initiator image
# has it since 1.0.0), and the health check uses it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=80
WORKDIR /app
COPY --from=build /app /app
# Mount points. The image's non-root user owns /share and /data, so named volumes start out writable
# by it; bind-mounted host folders must be writable by uid 1000 (docs/deployment.md).
RUN mkdir -p /config /share /data && chown node:node /share /data
VOLUME ["/config", "/share", "/data"]
# Non-root. Port 80 needs no privilege inside a container: Docker (20.10+) sets
# net.ipv4.ip_unprivileged_port_start=0 in every container network namespace; docker-compose.yml sets
# it explicitly too.
USER node
EXPOSE 80
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT:-80}/health" || exit 1
# exec: node becomes PID 1 and receives docker's SIGTERM itself (graceful shutdown). Exit code 78 is
# the suite's configuration-error code.
CMD ["sh", "-c", "case \"$SERVICE\" in jobs-initiator|publication-graph-maintainer|dump-file-publisher) exec node \"services/$SERVICE/dist/main.js\" ;; *) echo \"SERVICE must be jobs-initiator, publication-graph-maintainer or dump-file-publisher (got '$SERVICE')\" >&2; exit 78 ;; esac"]
