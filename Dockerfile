# One image per service: docker build --build-arg SERVICE=auth-gateway|workers|dashboard .
FROM node:24-bookworm-slim
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=auth-gateway|workers|dashboard" && exit 1)
WORKDIR /app
ENV NODE_ENV=production SERVICE=${SERVICE}
# Workspace manifests first, so the dependency layer is cached across code changes.
COPY package.json package-lock.json tsconfig.base.json ./
COPY shared/package.json shared/
COPY queues/package.json queues/
COPY mailbox-runtime/package.json mailbox-runtime/
COPY services/auth-gateway/package.json services/auth-gateway/
COPY services/workers/package.json services/workers/
COPY services/dashboard/package.json services/dashboard/
COPY test/emulator/package.json test/emulator/
COPY test/stack/package.json test/stack/
COPY test/e2e/package.json test/e2e/
COPY bench/package.json bench/
RUN npm ci --omit=dev --no-audit --no-fund
COPY shared shared
COPY queues queues
COPY mailbox-runtime mailbox-runtime
COPY services services
USER node
# One node process per service (tsx as a loader, not its CLI wrapper, which would be a second process), run with the
# node and V8 flags services/node-flags.sh gives it (node-options, then those of the queues it serves;
# test/stack/src/service-args.ts starts it the same way in the sandbox, the bench and the tests).
CMD ["sh", "-c", "exec node $(sh services/node-flags.sh $SERVICE) --import tsx services/$SERVICE/src/main.ts"]
