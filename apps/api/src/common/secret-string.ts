import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * Holds a plaintext secret. Printing, logging or serialising it shows `[REDACTED]`; only reveal()
 * gives the value, at the moment it is put on the wire.
 */
export class SecretString {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
