# One image for every part of the network; the command picks the part:
#   center:  node --import tsx apps/center/src/main.ts --config /config/center.yaml
#   agent:   node --import tsx apps/agent/src/main.ts --config /config/agent.yaml
# The same commands `npm start` runs on one machine.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY apps/center/package.json apps/center/
COPY apps/agent/package.json apps/agent/
COPY apps/web/package.json apps/web/
COPY packages/protocol/package.json packages/protocol/
COPY packages/runtime/package.json packages/runtime/
COPY packages/sim/package.json packages/sim/
COPY packages/launcher/package.json packages/launcher/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web
# /backups: the centers' backup volume (a named volume starts with this owner).
RUN mkdir -p /data /backups && chown node:node /data /backups
USER node
EXPOSE 8080 1883
CMD ["node", "--import", "tsx", "apps/center/src/main.ts", "--config", "/config/center.yaml"]
