import { createInterface } from 'node:readline/promises';
import { CreateUserRequest, passwordProblems } from '@bsm/protocol';
import { hashSecret } from '@bsm/runtime';
import type { Db } from '../db/database.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import { UserRepository } from '../repositories/user.repository.js';

export interface CreateUserInput {
  username: string;
  displayName: string;
  role: string;
  jurisdiction: string;
  password: string;
}

/**
 * Creates a user from the center's command line: how a production center
 * gets its first security administrator (and its auditors, whom a security
 * administrator cannot make — nobody grants what they do not hold). The
 * user enrols an authenticator at the first sign-in. Recorded in the audit
 * trail with the operating-system account that ran it.
 */
export async function createUserFromCommand(
  db: Db,
  audit: AuditRepository,
  input: CreateUserInput,
  by: Record<string, unknown>,
): Promise<void> {
  const parsed = CreateUserRequest.safeParse({ ...input, permissions: null, allowedIps: [] });
  if (!parsed.success) {
    throw new Error(
      `invalid user: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const problems = passwordProblems(input.password, input.username);
  if (problems.length > 0) {
    throw new Error(`the password breaks the rules: ${problems.join(', ')}`);
  }
  const node = await db
    .selectFrom('nodes')
    .select(['id', 'kind'])
    .where('id', '=', input.jurisdiction)
    .executeTakeFirst();
  if (!node) {
    throw new Error(`no node ${input.jurisdiction} in this center's database (start the center once first)`);
  }
  const created = await new UserRepository(db).create({
    username: parsed.data.username,
    displayName: parsed.data.displayName,
    passwordHash: await hashSecret(input.password),
    role: parsed.data.role,
    jurisdiction: parsed.data.jurisdiction,
    permissions: null,
    allowedIps: [],
  });
  if (!created) {
    throw new Error(`a user ${parsed.data.username} exists already`);
  }
  await audit.append({
    actor: null,
    action: 'user.create',
    target: parsed.data.username,
    outcome: 'success',
    detail: { role: parsed.data.role, jurisdiction: parsed.data.jurisdiction, ...by },
  });
}

/** The new user's first password: from `BSM_NEW_USER_PASSWORD`, else asked for on the terminal. */
export async function newPasswordFromEnvOrPrompt(): Promise<string> {
  const fromEnv = process.env.BSM_NEW_USER_PASSWORD;
  if (fromEnv) {
    return fromEnv;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question('first password for the new user: ');
  } finally {
    rl.close();
  }
}
