# syntax=docker/dockerfile:1
#
# The DRP platform as one image: the API and the built web app on port 3000.
#
#   docker build -t drp-platform .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://... -e JWT_SECRET=<32+ random chars> drp-platform
#
# or `docker compose up -d` with docker-compose.yml (PostgreSQL included). /app/.data (DATA_DIR) holds
# uploaded files, and without DATABASE_URL the embedded PostgreSQL's data: mount a volume there.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- base: Node plus the npm the repository pins (package.json "packageManager") --------------
FROM ${NODE_IMAGE} AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    SCARF_ANALYTICS=false \
    TURBO_TELEMETRY_DISABLED=1
RUN npm install -g npm@11.19.1 && npm cache clean --force
WORKDIR /app

# ---- deps: every dependency (dev included) for the build; cached until a manifest changes -----
FROM base AS deps
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY migrations/package.json migrations/
COPY server/package.json server/
COPY web/package.json web/
COPY e2e/package.json e2e/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci

# ---- build: shared, migrations, server and web via turbo -----------------------------------------
FROM deps AS build
COPY . .
RUN npx turbo run build --filter=@drp/shared --filter=@drp/migrations --filter=@drp/server --filter=@drp/web \
 && test -f server/dist/main.js && test -f web/dist/index.html

# ---- prod-deps: runtime dependencies of the server's workspaces only -----------------------------
FROM base AS prod-deps
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY migrations/package.json migrations/
COPY server/package.json server/
COPY web/package.json web/
COPY e2e/package.json e2e/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --workspace=@drp/server --workspace=@drp/shared --workspace=@drp/migrations

# ---- runtime ---------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data \
    SCARF_ANALYTICS=false
WORKDIR /app
# Root-owned and read-only to the app user; only DATA_DIR (uploads, embedded PostgreSQL) is writable.
# turbo.json marks the repository root for server/dist/config (which reads package.json's version).
# The manifests and node_modules (with any workspace-nested node_modules) of the production install:
COPY --from=prod-deps /app ./
COPY turbo.json ./
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/migrations/dist migrations/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/dist web/dist
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/main.js"]
