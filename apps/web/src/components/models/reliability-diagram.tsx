const S = 200;
const PAD = 30;

/** Reliability diagram: accuracy per confidence bin against the diagonal of perfect calibration, plus the numbers as a table. */
export function ReliabilityDiagram({
  bins,
  ece,
  title,
}: {
  bins: ReadonlyArray<{ confidence: number; accuracy: number; count: number }>;
  ece: number;
  title: string;
}) {
  const x = (v: number) => PAD + v * (S - PAD - 8);
  const y = (v: number) => S - PAD - v * (S - PAD - 8);
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return (
    <figure className="chart" aria-labelledby={`${id}-t`}>
      <figcaption id={`${id}-t`} className="chart-title">
        {title} (ECE {ece.toFixed(3)})
      </figcaption>
      <svg viewBox={`0 0 ${S} ${S}`} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-table`} className="chart-svg chart-square">
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="chart-diagonal" strokeDasharray="4 4" />
        <line x1={x(0)} x2={x(1)} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={x(0)} x2={x(0)} y1={y(0)} y2={y(1)} className="chart-axis" />
        {bins.map((b) => (
          <rect key={b.confidence} x={x(b.confidence) - 5} width={10} y={y(b.accuracy)} height={y(0) - y(b.accuracy)} className="chart-bar" />
        ))}
        <text x={x(0.5)} y={S - 6} textAnchor="middle" className="chart-tick">
          confidence
        </text>
        <text x={10} y={y(0.5)} textAnchor="middle" className="chart-tick" transform={`rotate(-90 10 ${y(0.5)})`}>
          accuracy
        </text>
      </svg>
      <table id={`${id}-table`} className="visually-hidden">
        <caption>{title}: accuracy per confidence bin</caption>
        <thead>
          <tr>
            <th scope="col">Mean confidence</th>
            <th scope="col">Accuracy</th>
            <th scope="col">Images</th>
          </tr>
        </thead>
        <tbody>
          {bins.map((b) => (
            <tr key={b.confidence}>
              <td>{b.confidence.toFixed(2)}</td>
              <td>{b.accuracy.toFixed(2)}</td>
              <td>{b.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
