import Link from "next/link";
import { roleAtLeast, type Role } from "@mien/auth";
import { Brand } from "./brand.tsx";
import { SignOutButton } from "./sign-out-button.tsx";

const NAV = [
  { href: "/coach", text: "Coach", role: "user" },
  { href: "/coach/progress", text: "Progress", role: "user" },
  { href: "/coach/sharing", text: "Sharing", role: "user" },
  { href: "/mentor", text: "Mentoring", role: "user" },
  { href: "/", text: "Data set", role: "curator" },
  { href: "/review", text: "Review", role: "curator" },
  { href: "/review/conflicts", text: "Conflicts", role: "admin" },
  { href: "/review/agreement", text: "Agreement", role: "admin" },
  { href: "/audit", text: "Audit", role: "admin" },
  { href: "/screening", text: "Screening", role: "admin" },
  { href: "/snapshots", text: "Snapshots", role: "admin" },
  { href: "/admin/training", text: "Training", role: "admin" },
  { href: "/admin/models", text: "Models", role: "admin" },
] as const;

/**
 * `current` is the path of the page showing the header, marked for assistive tech. Without an
 * account (the coach is open to visitors) the header offers sign-in instead.
 */
export function SiteHeader({ email, role, current = "/" }: { email?: string; role?: Role; current?: string }) {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Brand />
        <nav className="site-nav" aria-label="Main">
          {NAV.filter((item) => (role ? roleAtLeast(role, item.role) : item.href === "/coach")).map((item) => (
            <Link key={item.href} href={item.href} aria-current={item.href === current ? "page" : undefined}>
              {item.text}
            </Link>
          ))}
        </nav>
        {email && role ? (
          <div className="account" aria-label="Your account">
            <span className="account-email" data-testid="account-email">
              {email}
            </span>
            <span className={`role-badge role-${role}`} data-testid="account-role">
              {role}
            </span>
            <SignOutButton />
          </div>
        ) : (
          <div className="account">
            <Link href="/sign-in">Sign in</Link>
            <Link href="/sign-up">Create an account</Link>
          </div>
        )}
      </div>
    </header>
  );
}
