import { defineConfig } from "prisma/config";

// Prisma 7 reads no .env; the URL is only needed by CLI commands that connect,
// and this project applies migrations with its own runner (src/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
