/** SQL taking a database from `fromSchema` (null: empty) to `toSchema`; both are Prisma 7 schema texts. */
export function diffSql(fromSchema: string | null, toSchema: string): string;
