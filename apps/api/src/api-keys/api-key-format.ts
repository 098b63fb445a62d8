import { randomBytes } from 'node:crypto';

/** `tg_<prefix>_<secret>`: 12 hex chars to look the key up, 32 random bytes (base64url) as the secret. */
export const API_KEY_PATTERN = /^tg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): { key: string; prefix: string; secret: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `tg_${prefix}_${secret}`, prefix, secret };
}

export function parseApiKey(presented: string): { prefix: string; secret: string } | null {
  if (presented.length !== 3 + 12 + 1 + 43) return null;
  const m = API_KEY_PATTERN.exec(presented);
  return m ? { prefix: m[1], secret: m[2] } : null;
}
