import { PRODUCT_SENTENCE } from "./product.ts";

/** What a signed-in user (not a curator) sees until the coach arrives. */
export function AboutMien({ name }: { name: string }) {
  return (
    <section className="panel about" aria-labelledby="about-heading">
      <h1 id="about-heading">Welcome, {name}</h1>
      <p className="lede">{PRODUCT_SENTENCE}</p>
      <ul className="principles">
        <li>
          <strong>About you, for you.</strong> Mien looks only at your own face, with your camera, when you choose to
          practise.
        </li>
        <li>
          <strong>Never about others.</strong> Mien is not for judging or reading anyone else&apos;s expressions.
        </li>
        <li>
          <strong>Practice, not diagnosis.</strong> It shows how an expression comes across, so you can try again and
          see the difference.
        </li>
      </ul>
      <p className="notice">
        <strong>The coach is coming.</strong> Soon you will be able to practise an expression and see what your face
        communicates. There is nothing you need to do yet; we will show it here when it is ready.
      </p>
    </section>
  );
}
