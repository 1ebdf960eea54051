// The demo's users. `demo` / `demo` is the one the login page shows; the others are the ones the reference JWE
// service's curl examples log in with, so those requests work as written.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthenticatedUser } from '@tessera/issuer';

/** A demo account. */
export interface DemoUser {
  readonly username: string;
  readonly password: string;
  readonly name: string;
}

/** Every account the demo issuer knows (passwords in the clear: a demo, nothing else). */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  { username: 'demo', password: 'demo', name: 'Demo User' },
  { username: 'user@example.com', password: 'password123', name: 'Example User' },
  { username: 'admin', password: 'admin123', name: 'Admin' },
  { username: 'test', password: 'test', name: 'Test User' },
]);

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks a user name and password: every account is compared, in constant time, whatever matches.
 * @returns the user for the tokens (`sub` = user name, a `name` claim), or null
 */
export function checkUser(username: string, password: string): AuthenticatedUser | null {
  const given = digest(`${username}\u0000${password}`);
  let found: DemoUser | undefined;
  for (const user of DEMO_USERS) {
    if (timingSafeEqual(given, digest(`${user.username}\u0000${user.password}`))) found = user;
  }
  return found === undefined ? null : { subject: found.username, claims: { name: found.name } };
}
