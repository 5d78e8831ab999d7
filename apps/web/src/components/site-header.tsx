import Link from "next/link";

import { roleAtLeast, type Role } from "@mien/auth";

import { Brand } from "./brand.tsx";
import { SignOutButton } from "./sign-out-button.tsx";

/** The pages by what a person comes to do; each link shows only to the roles that may open it. */
const NAV_GROUPS = [
  {
    id: "practise",
    label: "Practise",
    items: [
      { href: "/coach", text: "Coach", role: "user" },
      { href: "/coach/progress", text: "Progress", role: "user" },
      { href: "/coach/sharing", text: "Sharing", role: "user" },
      { href: "/mentor", text: "Mentoring", role: "user" },
    ],
  },
  {
    id: "curate",
    label: "Curate",
    items: [
      { href: "/", text: "Data set", role: "curator" },
      { href: "/review", text: "Review", role: "curator" },
      { href: "/review/conflicts", text: "Conflicts", role: "admin" },
      { href: "/review/agreement", text: "Agreement", role: "admin" },
      { href: "/screening", text: "Screening", role: "admin" },
    ],
  },
  {
    id: "admin",
    label: "Admin",
    items: [
      { href: "/audit", text: "Audit", role: "admin" },
      { href: "/snapshots", text: "Snapshots", role: "admin" },
      { href: "/admin/training", text: "Training", role: "admin" },
      { href: "/admin/models", text: "Models", role: "admin" },
    ],
  },
] as const satisfies readonly { id: string; label: string; items: readonly { href: string; text: string; role: Role }[] }[];

/**
 * `current` is the path of the page showing the header, marked for assistive tech. Without an
 * account (the coach is open to visitors) the header offers sign-in instead.
 */
export function SiteHeader({ email, role, current = "/" }: { email?: string; role?: Role; current?: string }) {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Brand />
        {/* Plain links in labelled groups (no menus to open), so every page is one Tab and Enter away. */}
        <nav className="site-nav" aria-label="Main">
          {NAV_GROUPS.map((group) => ({ ...group, items: group.items.filter((item) => (role ? roleAtLeast(role, item.role) : item.href === "/coach")) }))
            .filter((group) => group.items.length > 0)
            .map((group) => (
              <div key={group.id} className="nav-group" role="group" aria-labelledby={`nav-${group.id}`}>
                <span className="nav-group-label" id={`nav-${group.id}`}>
                  {group.label}
                </span>
                <ul>
                  {group.items.map((item) => (
                    <li key={item.href}>
                      <Link href={item.href} aria-current={item.href === current ? "page" : undefined}>
                        {item.text}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
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
