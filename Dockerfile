# Invoice Bridge, production image: Node 22, the Vite build, PostgreSQL and Redis outside the container.
#
#   docker build -t invoice-bridge .
#   docker run --env-file .env -p 3000:3000 invoice-bridge                  # web (migrates first)
#   docker run --env-file .env invoice-bridge npm run worker                # a worker process (WORKER=off on web)
#
# The environment a host must give is listed in the README under "Deploying".

# Production dependencies only; `npm ci` runs our postinstall, which generates both Prisma clients.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-schemas.ts ./scripts/
COPY app/lib/database-url.ts ./app/lib/
COPY app/db/migrations.server.ts ./app/db/
RUN npm ci --omit=dev --no-audit --no-fund

# The Remix/Vite build needs the dev dependencies; only its output is kept.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY --from=deps /app/package.json /app/package-lock.json /app/prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-schemas.ts ./scripts/
COPY app/lib/database-url.ts ./app/lib/
COPY app/db/migrations.server.ts ./app/db/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY . .
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
# Migrations take an advisory lock on PostgreSQL, so several web containers may start at once.
CMD ["sh", "-c", "npm run prisma:migrate && exec npm start"]
