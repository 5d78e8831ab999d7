import { parseArgs } from "node:util";

import { z } from "zod";

import { createUserWithRole, ROLES } from "@mien/auth";
import { getDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";

const USAGE = "Usage: pnpm mien user add --email E --password P --role user|curator|admin [--name N]";

const addArgs = z.object({
  email: z.email({ message: "--email must be an email address" }).max(254),
  password: z
    .string({ message: "--password is required" })
    .min(8, "--password must be at least 8 characters")
    .max(128, "--password must be at most 128 characters"),
  role: z.enum(ROLES, { message: `--role must be one of ${ROLES.join(", ")}` }),
  name: z.string().trim().min(1).max(100).optional(),
});

/** Reads `add --email … --role …`; returns an error message instead of throwing on bad input. */
export function parseUserArgs(argv: string[]): { ok: true; value: z.infer<typeof addArgs> } | { ok: false; error: string } {
  const [action, ...rest] = argv;
  if (action !== "add") return { ok: false, error: action ? `Unknown action "${action}".` : "Missing action." };
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: { email: { type: "string" }, password: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const parsed = addArgs.safeParse(values);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => i.message).join("\n") };
  return { ok: true, value: parsed.data };
}

/** `pnpm mien user add`: creates a user with a role, or updates the role and password of an existing one. */
export async function run(argv: string[]): Promise<number> {
  const args = parseUserArgs(argv);
  if (!args.ok) {
    console.error(`${args.error}\n\n${USAGE}`);
    return 2;
  }
  loadServerEnv();
  try {
    const result = await createUserWithRole(args.value);
    console.log(
      result.created ? `Created ${result.email} with role ${result.role}.` : `${result.email} already existed: role set to ${result.role}, password replaced.`,
    );
    return 0;
  } finally {
    await getDb().$disconnect();
  }
}
