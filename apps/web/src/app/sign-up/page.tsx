import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { safeNextPath } from "../../auth/next-path.ts";
import { currentSession } from "../../auth/session.ts";
import { AuthShell } from "../../components/auth-shell.tsx";
import { SignUpForm } from "../../components/sign-up-form.tsx";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: PageProps<"/sign-up">) {
  const next = safeNextPath((await searchParams).next);
  if (await currentSession()) redirect(next ?? "/");
  return (
    <AuthShell
      title="Create an account"
      footer={
        <>
          Already have an account? <Link href={next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in"}>Sign in</Link>
        </>
      }
    >
      <SignUpForm next={next} />
    </AuthShell>
  );
}
