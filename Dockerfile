# One image for web, trainer and one-shot tasks; compose picks the command.
FROM node:20-bookworm-slim AS base
RUN npm install -g pnpm@12 && apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile && pnpm exec turbo run build --filter=@mien/web

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build /app /app
EXPOSE 3000
CMD ["pnpm", "--filter", "@mien/web", "start", "-p", "3000"]

# The GPU trainer adds tfjs-node-gpu (libtensorflow with CUDA), loaded dynamically when present.
FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04 AS trainer-gpu
# Node comes from the base image rather than a third-party apt source.
COPY --from=base /usr/local/bin/node /usr/local/bin/node
COPY --from=base /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && npm install -g pnpm@12
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
RUN cd apps/trainer && pnpm add @tensorflow/tfjs-node-gpu
CMD ["pnpm", "--filter", "@mien/trainer", "start"]
