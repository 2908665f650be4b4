# One image for the worker and the API (docker-compose.yml picks the command). TypeScript runs through tsx, exactly
# as `npm start` and the tests run it, so the image runs the code the tests checked.
FROM node:20-bookworm-slim

WORKDIR /app
# All dependencies: tsx (a dev dependency) runs the sources.
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json worker.ts ./
COPY config ./config
COPY src ./src

ENV NODE_ENV=production
# PGlite's folder when DATABASE_URL is unset; the compose file always sets it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

# API (3000) and the worker's Prometheus endpoint (9464).
EXPOSE 3000 9464
CMD ["node", "--import", "tsx", "src/api/main.ts"]
