/**
 * Decodes Stripe's request encoding (application/x-www-form-urlencoded bodies and query strings with
 * bracket paths: `payload[value]=1&items[0][price]=price_1`) into nested plain objects. Numeric
 * segments become arrays, as the SDK writes arrays with explicit indices.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first === -1) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key.slice(first))) !== null) parts.push(m[1] ?? '');
  return parts;
}

function arrayify(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  for (const k of keys) value[k] = arrayify(value[k] as FormValue);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((i) => value[String(i)] as FormValue);
  }
  return value;
}

export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, val] of new URLSearchParams(encoded)) {
    const path = splitKey(rawKey);
    let node: FormObject = root;
    path.forEach((seg, i) => {
      if (i === path.length - 1) {
        node[seg] = val;
        return;
      }
      const next = node[seg];
      if (next === undefined || typeof next === 'string' || Array.isArray(next)) node[seg] = {};
      node = node[seg] as FormObject;
    });
  }
  return arrayify(root) as FormObject;
}

/** Order-independent fingerprint of a request's parameters (idempotency compares parameters). */
export function fingerprintForm(encoded: string): string {
  return [...new URLSearchParams(encoded)]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&');
}
