export interface Series {
  label: string;
  values: ReadonlyArray<number | null>;
  /** Dash pattern, so series differ in more than colour. */
  dash?: string;
  className: string;
}

const W = 420;
const H = 180;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/**
 * A small SVG line chart over epochs, with a legend and the same numbers in a table for screen
 * readers. Drawn without animation, so it respects reduced motion by construction.
 */
export function LineChart({
  title,
  series,
  epochs,
  format,
}: {
  title: string;
  series: readonly Series[];
  epochs: readonly number[];
  format: (v: number) => string;
}) {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const min = all.length ? Math.min(...all) : 0;
  const max = all.length ? Math.max(...all) : 1;
  const span = max - min || 1;
  const last = Math.max(epochs.length - 1, 1);
  const x = (i: number) => PAD.left + (i / last) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - min) / span) * (H - PAD.top - PAD.bottom);
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-table`} className="chart-svg">
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="chart-axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} className="chart-axis" />
        <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" className="chart-tick">
          {format(max)}
        </text>
        <text x={PAD.left - 6} y={H - PAD.bottom} textAnchor="end" className="chart-tick">
          {format(min)}
        </text>
        <text x={PAD.left} y={H - 8} className="chart-tick">
          epoch {epochs[0] ?? 1}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="chart-tick">
          {epochs.at(-1) ?? ""}
        </text>
        {series.map((s) => {
          const points = s.values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`]));
          return points.length > 1 ? (
            <polyline key={s.label} points={points.join(" ")} className={`chart-line ${s.className}`} strokeDasharray={s.dash} fill="none" />
          ) : points.length === 1 ? (
            <circle key={s.label} cx={points[0]!.split(",")[0]} cy={points[0]!.split(",")[1]} r={3} className={`chart-dot ${s.className}`} />
          ) : null;
        })}
      </svg>
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.label}>
            <svg width="28" height="8" aria-hidden="true">
              <line x1="0" x2="28" y1="4" y2="4" className={`chart-line ${s.className}`} strokeDasharray={s.dash} />
            </svg>
            {s.label}
            {s.values.length ? `: ${format(s.values.at(-1) ?? Number.NaN)}` : ""}
          </li>
        ))}
      </ul>
      <table id={`${id}-table`} className="visually-hidden">
        <caption>{title} per epoch</caption>
        <thead>
          <tr>
            <th scope="col">Epoch</th>
            {series.map((s) => (
              <th scope="col" key={s.label}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {epochs.map((e, i) => (
            <tr key={e}>
              <th scope="row">{e}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i] == null ? "–" : format(s.values[i]!)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
