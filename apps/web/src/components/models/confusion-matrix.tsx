/** A confusion matrix as a table: counts in every cell, shading by row share (numbers carry the meaning, shading only helps). */
export function ConfusionMatrix({ classes, confusion, caption }: { classes: readonly string[]; confusion: readonly (readonly number[])[]; caption: string }) {
  return (
    <div className="table-wrap confusion-wrap">
      <table className="data-table confusion">
        <caption className="chart-title">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {classes.map((c) => (
              <th scope="col" key={c} className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={classes[i]}>
                <th scope="row">{classes[i]}</th>
                {row.map((n, j) => (
                  <td
                    key={classes[j]}
                    className={`num${i === j ? " diag" : ""}`}
                    style={{ ["--share" as string]: String(n / total) }}
                    title={`${Math.round((n / total) * 100)}% of ${classes[i]}`}
                  >
                    {n}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
