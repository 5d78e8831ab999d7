/** What every expression model card says about its limits, whichever model the coach runs. */
export function ModelCardLimits() {
  return (
    <>
      <h2>Limits</h2>
      <ul>
        <li>An expression is not an emotion. The model reads the muscles of a face, not what anyone feels.</li>
        <li>
          It was not checked for differences across skin tones, ages, genders, cultures, glasses or facial differences, and webcam light differs from its test
          photos. Treat every reading as a hint about how an expression may come across, not as a verdict.
        </li>
        <li>Use it only on your own face, with your consent. Never use it to judge anyone else.</li>
      </ul>
    </>
  );
}
