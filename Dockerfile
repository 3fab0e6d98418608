# The app image: builds the workspace, then runs the bundled server with its production dependencies
# only, as an unprivileged user. Used by docker-compose.yml.
FROM node:20.20-bookworm AS build
WORKDIR /src
# The pnpm version package.json pins (packageManager).
COPY package.json ./
RUN npm install --global "$(node -p "require('./package.json').packageManager")"
COPY . .
# The web build reads NODE_ENV; the image's assets are always the production ones.
RUN pnpm install --frozen-lockfile && pnpm build && sh scripts/image-layout.sh /image

FROM node:20.20-bookworm-slim
WORKDIR /app
# Root owns the code, so the server cannot rewrite it; it writes only to /data (the volume).
COPY --from=build /image /app
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data WEB_DIR=/app/web
USER node
EXPOSE 3000
# Ready means the database (and Redis when configured) answer, so compose and orchestrators wait for it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
