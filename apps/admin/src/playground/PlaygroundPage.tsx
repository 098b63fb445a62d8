import AddIcon from '@mui/icons-material/Add';
import CloseIcon from '@mui/icons-material/Close';
import SendIcon from '@mui/icons-material/Send';
import StopIcon from '@mui/icons-material/Stop';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  FormControlLabel,
  Grid,
  IconButton,
  Switch,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type InputHTMLAttributes } from 'react';
import { LinkBase, Title, useGetMany } from 'react-admin';
import { isTeamAdmin } from '../providers/permissions';
import { useSession } from '../providers/session';
import { AnswerColumn } from './AnswerColumn';
import { ConversationList } from './ConversationList';
import type { ModelPriceRow } from './cost';
import { GatewayError, listModels, streamChat, type ChatMessage } from './gateway-client';
import { KeySetup } from './KeySetup';
import {
  loadConversations,
  loadPlaygroundKey,
  maskKey,
  newId,
  saveConversations,
  savePlaygroundKey,
  type Conversation,
  type PlaygroundAnswer,
  type PlaygroundSettings,
  type PlaygroundTurn,
  type StoredPlaygroundKey,
} from './playground-storage';

const MAX_MODELS = 4;

const defaultSettings: PlaygroundSettings = { models: [], compare: false, systemPrompt: '', temperature: '', maxTokens: '' };

function parseOptionalNumber(text: string, integer: boolean): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  return integer ? Math.trunc(n) : n;
}

/** History for model column `index`: earlier prompts with that column's answers, then the new prompt. */
function buildMessages(systemPrompt: string, turns: PlaygroundTurn[], index: number, prompt: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt.trim() });
  for (const turn of turns) {
    messages.push({ role: 'user', content: turn.prompt });
    const answer = turn.answers[index] ?? turn.answers[0];
    if (answer?.text) messages.push({ role: 'assistant', content: answer.text });
  }
  messages.push({ role: 'user', content: prompt });
  return messages;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Picks defaults once the model list is known: keep valid choices, fill the rest with distinct models. */
function settleModels(chosen: string[], available: string[], count: number): string[] {
  const result = chosen.slice(0, count).map((m) => (available.includes(m) ? m : ''));
  while (result.length < count) result.push('');
  return result.map((m, i) => m || available.find((a) => !result.includes(a)) || available[i % Math.max(available.length, 1)] || '');
}

const Playground = ({ userId, teamId }: { userId: string; teamId: string }) => {
  const session = useSession();
  const [storedKey, setStoredKey] = useState<StoredPlaygroundKey | null>(() => loadPlaygroundKey(userId, teamId));
  const [conversations, setConversations] = useState<Conversation[]>(() => loadConversations(userId, teamId));
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [settings, setSettings] = useState<PlaygroundSettings>(defaultSettings);
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const apiKey = storedKey?.key ?? null;

  const modelsQuery = useQuery({
    queryKey: ['gateway-models', apiKey],
    queryFn: ({ signal }) => listModels(apiKey ?? '', signal),
    enabled: apiKey !== null,
    retry: false,
    staleTime: 60_000,
  });
  const available = useMemo(() => (modelsQuery.data ?? []).map((m) => m.id), [modelsQuery.data]);
  const modelCount = settings.compare ? Math.max(2, Math.min(settings.models.length, MAX_MODELS)) : 1;
  const activeModels = useMemo(() => settleModels(settings.models, available, modelCount), [settings.models, available, modelCount]);

  const { data: priceRows } = useGetMany<ModelPriceRow & { id: string }>(
    'prices',
    { ids: activeModels.filter(Boolean) },
    { enabled: activeModels.some(Boolean), retry: false },
  );
  const priceOf = (model: string) => priceRows?.find((p) => p.id === model);

  // Persist once streaming settles rather than on every token.
  useEffect(() => {
    if (!busy) saveConversations(userId, teamId, conversations);
  }, [busy, conversations, userId, teamId]);

  // Abort in-flight answers when leaving the page.
  useEffect(() => () => abortRef.current?.abort(), []);

  const current = conversations.find((c) => c.id === currentId) ?? null;
  const turns = current?.turns ?? [];

  const applyKey = (key: StoredPlaygroundKey | null) => {
    savePlaygroundKey(userId, teamId, key);
    setStoredKey(key);
  };

  const updateSettings = (patch: Partial<PlaygroundSettings>) => setSettings((s) => ({ ...s, ...patch }));

  const setModel = (index: number, model: string) => {
    const next = [...activeModels];
    next[index] = model;
    updateSettings({ models: next });
  };

  const toggleCompare = (compare: boolean) => {
    updateSettings({ compare, models: compare ? settleModels(activeModels, available, Math.max(2, activeModels.length)) : activeModels });
  };

  const selectConversation = (id: string) => {
    if (busy) return;
    const c = conversations.find((x) => x.id === id);
    if (!c) return;
    setCurrentId(id);
    setSettings({ models: c.models, compare: c.compare, systemPrompt: c.systemPrompt, temperature: c.temperature, maxTokens: c.maxTokens });
  };

  const newConversation = () => {
    if (busy) return;
    setCurrentId(null);
    setInput('');
  };

  const deleteConversation = (id: string) => {
    if (busy && id === currentId) return;
    setConversations((list) => list.filter((c) => c.id !== id));
    if (id === currentId) setCurrentId(null);
  };

  const clearConversations = () => {
    if (busy) return;
    setConversations([]);
    setCurrentId(null);
  };

  const patchAnswer = (conversationId: string, turnId: string, index: number, patch: (a: PlaygroundAnswer) => PlaygroundAnswer) => {
    setConversations((list) =>
      list.map((c) =>
        c.id !== conversationId
          ? c
          : {
              ...c,
              turns: c.turns.map((t) => (t.id !== turnId ? t : { ...t, answers: t.answers.map((a, i) => (i === index ? patch(a) : a)) })),
            },
      ),
    );
  };

  const send = async () => {
    const prompt = input.trim();
    if (!prompt || busy || !apiKey) return;
    if (activeModels.some((m) => !m)) {
      setFormError('Pick a model for every column first.');
      return;
    }
    const temperature = parseOptionalNumber(settings.temperature, false);
    const maxTokens = parseOptionalNumber(settings.maxTokens, true);
    if (temperature !== undefined && (temperature < 0 || temperature > 2)) {
      setFormError('Temperature goes from 0 to 2.');
      return;
    }
    if (maxTokens !== undefined && maxTokens < 1) {
      setFormError('Max tokens must be at least 1, or empty for the model default.');
      return;
    }
    setFormError(null);

    const now = new Date().toISOString();
    const conversationId = current?.id ?? newId();
    const history = current?.turns ?? [];
    const turn: PlaygroundTurn = { id: newId(), prompt, answers: activeModels.map((model) => ({ model, text: '', status: 'streaming' })) };
    const snapshot: PlaygroundSettings = { ...settings, models: activeModels };
    setConversations((list) => {
      const existing = list.find((c) => c.id === conversationId);
      if (existing) return list.map((c) => (c.id === conversationId ? { ...c, ...snapshot, updatedAt: now, turns: [...c.turns, turn] } : c));
      const created: Conversation = { id: conversationId, title: prompt.slice(0, 60), createdAt: now, updatedAt: now, ...snapshot, turns: [turn] };
      return [created, ...list];
    });
    setCurrentId(conversationId);
    setInput('');
    setBusy(true);

    const controller = new AbortController();
    abortRef.current = controller;
    // Every model answers the same prompt at the same time; each column streams on its own.
    await Promise.all(
      activeModels.map(async (model, index) => {
        const started = performance.now();
        try {
          const result = await streamChat({
            apiKey,
            model,
            messages: buildMessages(settings.systemPrompt, history, index, prompt),
            temperature,
            maxTokens,
            signal: controller.signal,
            onDelta: (delta) => patchAnswer(conversationId, turn.id, index, (a) => ({ ...a, text: a.text + delta })),
          });
          patchAnswer(conversationId, turn.id, index, (a) => ({
            ...a,
            text: result.text,
            status: 'done',
            usage: result.usage,
            ttftMs: result.ttftMs === null ? null : Math.round(result.ttftMs),
            totalMs: Math.round(result.totalMs),
          }));
        } catch (error) {
          const totalMs = Math.round(performance.now() - started);
          if (isAbort(error)) {
            patchAnswer(conversationId, turn.id, index, (a) => ({ ...a, status: 'aborted', totalMs }));
          } else {
            const message = error instanceof GatewayError || error instanceof Error ? error.message : 'The request failed';
            patchAnswer(conversationId, turn.id, index, (a) => ({ ...a, status: 'error', error: message, totalMs }));
          }
        }
      }),
    );
    abortRef.current = null;
    setBusy(false);
  };

  const stop = () => abortRef.current?.abort();

  if (!storedKey) {
    return <KeySetup onKey={applyKey} />;
  }

  const keyRefused = modelsQuery.error instanceof GatewayError && modelsQuery.error.status === 401;

  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 3 }}>
        <ConversationList
          conversations={conversations}
          currentId={currentId}
          onSelect={selectConversation}
          onNew={newConversation}
          onDelete={deleteConversation}
          onClear={clearConversations}
        />
      </Grid>
      <Grid size={{ xs: 12, md: 9 }} sx={{ display: 'grid', gap: 2, alignContent: 'start' }}>
        <Card>
          <CardContent sx={{ display: 'grid', gap: 2 }}>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
              <Chip size="small" label={`Key ${maskKey(storedKey.key)}`} data-testid="playground-key" />
              <Button size="small" onClick={() => applyKey(null)} disabled={busy}>
                Forget key
              </Button>
              <Box sx={{ flex: 1 }} />
              <FormControlLabel
                control={
                  <Switch
                    checked={settings.compare}
                    onChange={(e) => toggleCompare(e.target.checked)}
                    disabled={busy}
                    slotProps={{ input: { 'aria-label': 'Compare', role: 'switch', 'data-testid': 'playground-compare' } as InputHTMLAttributes<HTMLInputElement> }}
                  />
                }
                label="Compare"
              />
            </Box>
            {keyRefused && (
              <Alert severity="error" action={<Button onClick={() => applyKey(null)}>Forget key</Button>}>
                The gateway refused this key (revoked, expired or mistyped). Forget it and create a new one.
              </Alert>
            )}
            {modelsQuery.error && !keyRefused && (
              <Alert severity="error">The model list could not be loaded: {modelsQuery.error.message}</Alert>
            )}
            {modelsQuery.isSuccess && available.length === 0 && (
              <Alert severity="warning">
                No models are available to this team yet.{' '}
                {isTeamAdmin(session) ? (
                  <>
                    <LinkBase to="/provider-keys/create">Add a provider key</LinkBase> first.
                  </>
                ) : (
                  'Ask a team admin to add a provider key.'
                )}
              </Alert>
            )}
            <Grid container spacing={1.5}>
              {activeModels.map((model, index) => (
                <Grid key={index} size={{ xs: 12, sm: 6, lg: settings.compare ? 12 / Math.min(activeModels.length, 4) : 6 }}>
                  <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
                    <TextField
                      select
                      fullWidth
                      size="small"
                      label={`Model ${index + 1}`}
                      value={model}
                      onChange={(e) => setModel(index, e.target.value)}
                      disabled={busy || available.length === 0}
                      slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
                    >
                      {model === '' && <option value="">—</option>}
                      {available.map((id) => (
                        <option key={id} value={id}>
                          {id}
                        </option>
                      ))}
                    </TextField>
                    {settings.compare && activeModels.length > 2 && (
                      <Tooltip title="Remove this model">
                        <IconButton
                          size="small"
                          aria-label={`Remove model ${index + 1}`}
                          disabled={busy}
                          onClick={() => updateSettings({ models: activeModels.filter((_, i) => i !== index) })}
                        >
                          <CloseIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                    )}
                  </Box>
                </Grid>
              ))}
            </Grid>
            {settings.compare && activeModels.length < MAX_MODELS && (
              <Box>
                <Button
                  size="small"
                  startIcon={<AddIcon />}
                  disabled={busy}
                  onClick={() => updateSettings({ models: settleModels(activeModels, available, activeModels.length + 1) })}
                >
                  Add model
                </Button>
              </Box>
            )}
            <TextField
              label="System prompt"
              multiline
              minRows={1}
              maxRows={6}
              size="small"
              value={settings.systemPrompt}
              onChange={(e) => updateSettings({ systemPrompt: e.target.value })}
              disabled={busy}
              placeholder="Optional instructions sent before the conversation"
            />
            <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
              <TextField
                label="Temperature"
                type="number"
                size="small"
                value={settings.temperature}
                onChange={(e) => updateSettings({ temperature: e.target.value })}
                disabled={busy}
                placeholder="default"
                slotProps={{ htmlInput: { min: 0, max: 2, step: 0.1 }, inputLabel: { shrink: true } }}
                sx={{ width: 140 }}
              />
              <TextField
                label="Max tokens"
                type="number"
                size="small"
                value={settings.maxTokens}
                onChange={(e) => updateSettings({ maxTokens: e.target.value })}
                disabled={busy}
                placeholder="default"
                slotProps={{ htmlInput: { min: 1, step: 1 }, inputLabel: { shrink: true } }}
                sx={{ width: 140 }}
              />
            </Box>
          </CardContent>
        </Card>

        {turns.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ px: 1 }}>
            {settings.compare
              ? 'Every model answers the same prompt at the same time, with its tokens, latency and estimated cost.'
              : 'Send a message to start a conversation. Requests go through the gateway and appear in the request log.'}
          </Typography>
        ) : (
          <Grid container spacing={2} data-testid="playground-answers">
            {(current?.models ?? activeModels).map((model, index) => (
              <Grid key={index} size={{ xs: 12, md: (current?.models.length ?? 1) > 1 ? 6 : 12, xl: 12 / Math.min(current?.models.length ?? 1, 4) }}>
                <AnswerColumn index={index} model={model} turns={turns} price={priceOf(model)} />
              </Grid>
            ))}
          </Grid>
        )}

        <Card>
          <CardContent sx={{ display: 'grid', gap: 1 }}>
            {formError && <Alert severity="warning">{formError}</Alert>}
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-end' }}>
              <TextField
                label="Message"
                multiline
                minRows={2}
                maxRows={10}
                fullWidth
                value={input}
                onChange={(e) => setInput(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey) {
                    e.preventDefault();
                    void send();
                  }
                }}
                placeholder="Ask something (Enter to send, Shift+Enter for a new line)"
                slotProps={{ htmlInput: { 'data-testid': 'playground-input' }, inputLabel: { shrink: true } }}
              />
              {busy ? (
                <Button variant="outlined" color="warning" startIcon={<StopIcon />} onClick={stop} data-testid="playground-stop">
                  Stop
                </Button>
              ) : (
                <Button
                  variant="contained"
                  endIcon={<SendIcon />}
                  onClick={() => void send()}
                  disabled={!input.trim() || activeModels.some((m) => !m)}
                  data-testid="playground-send"
                >
                  Send
                </Button>
              )}
            </Box>
          </CardContent>
        </Card>
      </Grid>
    </Grid>
  );
};

/** /playground: chat with one model or compare up to four, through the gateway with the member's own key. */
export const PlaygroundPage = () => {
  const { me, team } = useSession();
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Playground" />
      {me && team ? (
        <Playground key={`${me.id}:${team.id}`} userId={me.id} teamId={team.id} />
      ) : (
        <Alert severity="info">Select a team first: the playground uses an API key of the selected team.</Alert>
      )}
    </Box>
  );
};
