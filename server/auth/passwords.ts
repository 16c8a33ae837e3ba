import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// algorithm 2 is Argon2id (the package's enum is a const enum we cannot import under isolatedModules).
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

let dummyHash: Promise<string> | null = null;

/** Verifies a password; with no hash it still spends the same time so unknown logins cannot be told apart. */
export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    dummyHash ??= hashPassword('tandem-timing-equaliser');
    await verify(await dummyHash, password);
    return false;
  }
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}
