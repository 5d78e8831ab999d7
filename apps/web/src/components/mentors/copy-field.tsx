"use client";

import { useId, useState } from "react";

/** A read-only value with a Copy button ("Copy the <what>" to a screen reader); the result of copying is announced. */
export function CopyField({ label, what, value, testId }: { label: string; what: string; value: string; testId: string }) {
  const id = useId();
  const [copied, setCopied] = useState<string>("");
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        {/* A text area, so that a long link or code wraps on a phone instead of being cut off. */}
        <textarea id={id} readOnly rows={2} value={value} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          className="button button-quiet"
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => setCopied("Copied."),
              () => setCopied("Copying is not allowed here: select the text and copy it yourself."),
            )
          }
        >
          Copy<span className="visually-hidden"> the {what}</span>
        </button>
      </div>
      <span className="hint" aria-live="polite">
        {copied}
      </span>
    </div>
  );
}
