import type { ChatUsage } from './gateway-client';

/**
 * Browser-side playground state, per user and team: the playground API key (its secret is shown only once by
 * the API, so the console keeps it here) and past conversations. Prefixed outside `tollgate.` so that session
 * listeners do not react to chat writes.
 */

const PREFIX = 'tollgate-playground';
const MAX_CONVERSATIONS = 50;

export interface StoredPlaygroundKey {
  key: string;
  /** Set when the console created the key (so the list can point at it); absent for pasted keys. */
  id?: string;
  createdAt: string;
}

export interface PlaygroundAnswer {
  model: string;
  text: string;
  status: 'streaming' | 'done' | 'error' | 'aborted';
  error?: string;
  usage?: ChatUsage | null;
  ttftMs?: number | null;
  totalMs?: number;
}

export interface PlaygroundTurn {
  id: string;
  prompt: string;
  answers: PlaygroundAnswer[];
}

export interface PlaygroundSettings {
  models: string[];
  compare: boolean;
  systemPrompt: string;
  temperature: string;
  maxTokens: string;
}

export interface Conversation extends PlaygroundSettings {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  turns: PlaygroundTurn[];
}

function storageKey(kind: 'key' | 'conversations', userId: string, teamId: string): string {
  return `${PREFIX}:${kind}:${userId}:${teamId}`;
}

function readJson<T>(key: string): T | null {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the playground keeps working for this page only.
  }
}

export function loadPlaygroundKey(userId: string, teamId: string): StoredPlaygroundKey | null {
  const stored = readJson<StoredPlaygroundKey>(storageKey('key', userId, teamId));
  return stored && typeof stored.key === 'string' && stored.key.length > 0 ? stored : null;
}

export function savePlaygroundKey(userId: string, teamId: string, value: StoredPlaygroundKey | null): void {
  writeJson(storageKey('key', userId, teamId), value);
}

export function loadConversations(userId: string, teamId: string): Conversation[] {
  const list = readJson<Conversation[]>(storageKey('conversations', userId, teamId));
  if (!Array.isArray(list)) return [];
  // An answer still "streaming" in storage was cut by a reload.
  return list.map((c) => ({
    ...c,
    turns: c.turns.map((t) => ({ ...t, answers: t.answers.map((a) => (a.status === 'streaming' ? { ...a, status: 'aborted' as const } : a)) })),
  }));
}

/** Newest first, capped, so storage does not grow without bound. */
export function saveConversations(userId: string, teamId: string, conversations: Conversation[]): void {
  const kept = [...conversations].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, MAX_CONVERSATIONS);
  writeJson(storageKey('conversations', userId, teamId), kept.length > 0 ? kept : null);
}

export function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** "tg_abcd…wxyz" for display; the full key never appears on screen after it is stored. */
export function maskKey(key: string): string {
  return key.length > 14 ? `${key.slice(0, 8)}…${key.slice(-4)}` : '…';
}
