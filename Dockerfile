# Placeholder: the packaging issue builds one image for the three services (multi-stage, Node 20 slim,
# non-root, SERVICE selects the service). Until then this only checks that the workspace builds.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY services ./services
RUN npm ci && npm run build
