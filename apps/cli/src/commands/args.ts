import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Parses a command's arguments. Arguments it cannot parse print their message with the usage and
 * give exit code 2; --help prints the usage and gives 0. A number back is the command's exit code.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return 0;
  }
  return parsed;
}
