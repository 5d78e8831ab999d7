import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { createUserWithRole } from "@mien/auth";
import { runImport } from "@mien/dataset";
import { getDb } from "@mien/db";
import { loadServerEnv, REPO_ROOT } from "@mien/env";
import { registerVersionDir } from "@mien/registry";
import { createStorage } from "@mien/storage";

interface Credentials {
  email: string;
  password: string;
}

/**
 * Makes a fresh install usable: imports the bundled demo sample into an empty
 * database and creates the first admin, whose password is kept (mode 600)
 * under the data folder so `pnpm start` can show it every time.
 */
export async function run(_argv: string[]): Promise<number> {
  const env = loadServerEnv();
  const db = getDb();
  try {
    if ((await db.image.count()) === 0) {
      const demo = join(REPO_ROOT, "data", "demo");
      console.log(`Empty database: importing the demo sample from ${demo}`);
      const summary = await runImport({ db, storage: createStorage(env), root: demo });
      console.log(`Demo sample: ${summary.imported} images imported, ${summary.issues.length} noted in the report.`);
    }

    // A fresh machine's coach page needs an active model: the committed default.
    const defaultModel = join(REPO_ROOT, "models", "default");
    if ((await db.modelVersion.count()) === 0 && existsSync(join(defaultModel, "manifest.json"))) {
      const dir = defaultModel;
      const version = await registerVersionDir(db, createStorage(env), dir);
      console.log(`Registered the default model (${dir}) as version ${version.number}${version.activated ? ", now active" : ""}.`);
    }

    const credentialsFile = join(env.dataDir, "admin-credentials.json");
    const admins = await db.user.count({ where: { role: "admin" } });
    if (admins === 0) {
      const credentials: Credentials = {
        email: env.MIEN_ADMIN_EMAIL,
        password: env.MIEN_ADMIN_PASSWORD ?? randomBytes(12).toString("base64url"),
      };
      await createUserWithRole({ ...credentials, name: "Mien admin", role: "admin" });
      mkdirSync(env.dataDir, { recursive: true });
      writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
      console.log(`Created the first admin, ${credentials.email}.`);
    }
    if (existsSync(credentialsFile)) {
      const { email, password } = JSON.parse(readFileSync(credentialsFile, "utf8")) as Credentials;
      console.log(`ADMIN_EMAIL=${email}\nADMIN_PASSWORD=${password}`);
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}
