/** The product mark: a simple face outline, decorative only. */
export function Brand({ as: Tag = "span" }: { as?: "span" | "h1" }) {
  return (
    <Tag className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" strokeWidth="2.5" />
        <circle cx="11.5" cy="13" r="1.8" fill="currentColor" />
        <circle cx="20.5" cy="13" r="1.8" fill="currentColor" />
        <path d="M10.5 19.5c3 3.2 8 3.2 11 0" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
      </svg>
      Mien
    </Tag>
  );
}
