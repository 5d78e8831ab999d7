/** A domain error with the tRPC code the router should answer with. */
export class TrainingError extends Error {
  constructor(
    message: string,
    readonly code: "BAD_REQUEST" | "NOT_FOUND" | "PRECONDITION_FAILED" | "CONFLICT",
  ) {
    super(message);
    this.name = "TrainingError";
  }
}
