import { SPLIT_NAMES } from "./snapshot-text.ts";

const number = new Intl.NumberFormat("en-US");
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

type Counts = Record<string, Record<string, number | undefined> | undefined>;

/**
 * Class balance per split as bars that carry their own words (class, count, share), one small chart
 * per split so no colour has to tell splits apart, with the same numbers as a table below.
 */
export function ClassBalanceChart({ counts, classes }: { counts: Counts; classes: readonly string[] }) {
  const splits = SPLIT_NAMES.map((s) => {
    const byClass = classes.map((c) => ({ name: c, n: counts[s.key]?.[c] ?? 0 }));
    const total = byClass.reduce((a, b) => a + b.n, 0);
    const max = Math.max(1, ...byClass.map((c) => c.n));
    const present = byClass.filter((c) => c.n > 0).map((c) => c.n);
    const ratio = present.length > 1 ? Math.max(...present) / Math.min(...present) : null;
    return { ...s, byClass, total, max, ratio, missing: byClass.filter((c) => c.n === 0).map((c) => c.name) };
  });

  return (
    <figure className="balance-chart" aria-labelledby="balance-caption">
      <figcaption id="balance-caption" className="balance-caption">
        Class balance per split
      </figcaption>
      <div className="balance-splits">
        {splits.map((s) => (
          <section key={s.key} className="balance-split" aria-labelledby={`balance-${s.key}`} data-split={s.key}>
            <h3 id={`balance-${s.key}`}>
              {s.text} <span className="hint">{number.format(s.total)} images</span>
            </h3>
            <p className="hint balance-note">
              {s.total === 0
                ? "No images in this split."
                : `${s.ratio === null ? "One class only" : `Largest class ${s.ratio.toFixed(1)}× the smallest`}${s.missing.length ? `; none of ${s.missing.join(", ")}` : ""}.`}
            </p>
            <ul className="balance-bars" aria-label={`${s.text}: images per class`}>
              {s.byClass.map((c) => (
                <li key={c.name} data-class={c.name}>
                  <span className="balance-name">{title(c.name)}</span>
                  <span className="balance-track" aria-hidden="true">
                    <span className="balance-bar" style={{ width: `${(100 * c.n) / s.max}%` }} />
                  </span>
                  <span className="balance-count">
                    {number.format(c.n)}
                    <span className="hint"> {s.total ? percent.format(c.n / s.total) : ""}</span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <details className="balance-table">
        <summary>Show the numbers as a table</summary>
        <div className="table-wrap" role="region" aria-label="Class balance table" tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Images per class and split</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                {splits.map((s) => (
                  <th key={s.key} scope="col" className="num">
                    {s.text}
                  </th>
                ))}
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {classes.map((c) => {
                const row = splits.map((s) => s.byClass.find((x) => x.name === c)!.n);
                return (
                  <tr key={c} data-class={c}>
                    <th scope="row">{title(c)}</th>
                    {row.map((n, i) => (
                      <td key={splits[i]!.key} className={`num${n === 0 ? " zero" : ""}`}>
                        {number.format(n)}
                      </td>
                    ))}
                    <td className="num total">{number.format(row.reduce((a, b) => a + b, 0))}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">All classes</th>
                {splits.map((s) => (
                  <td key={s.key} className="num">
                    {number.format(s.total)}
                  </td>
                ))}
                <td className="num total">{number.format(splits.reduce((a, s) => a + s.total, 0))}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </details>
    </figure>
  );
}
