"use client";

import { useId, useState } from "react";

/** A read-only value with a Copy button; the result of copying is announced. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const id = useId();
  const [copied, setCopied] = useState<string>("");
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} readOnly value={value} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
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
          Copy
        </button>
      </div>
      <span className="hint" aria-live="polite">
        {copied}
      </span>
    </div>
  );
}
