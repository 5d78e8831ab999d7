import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentSession } from "../../auth/session.ts";
import { AuthShell } from "../../components/auth-shell.tsx";
import { SignUpForm } from "../../components/sign-up-form.tsx";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage() {
  if (await currentSession()) redirect("/");
  return (
    <AuthShell
      title="Create an account"
      footer={
        <>
          Already have an account? <Link href="/sign-in">Sign in</Link>
        </>
      }
    >
      <SignUpForm />
    </AuthShell>
  );
}
