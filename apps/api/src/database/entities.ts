import { AuditEvent } from '../audit/audit-event.entity';

/** Every entity, listed explicitly (no globs: the compiled and test layouts differ). */
export const ENTITIES = [AuditEvent];
