/** A problem with the job itself (config, data): retrying cannot help. */
export class TrainingInputError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "TrainingInputError";
  }
}
