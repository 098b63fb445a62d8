import { Alert, Box, Chip, CircularProgress, Paper, Typography } from '@mui/material';
import { formatCount, formatNanoUsd } from '../common/money';
import { estimateCostNanoUsd, type ModelPriceRow } from './cost';
import type { PlaygroundAnswer, PlaygroundTurn } from './playground-storage';

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${formatCount(value)} ms`);

/** "12 prompt + 30 completion tokens · first token 210 ms · total 830 ms · ≈ cost $0.0000213" */
const UsageLine = ({ answer, price, testId }: { answer: PlaygroundAnswer; price: ModelPriceRow | undefined; testId?: string }) => {
  if (answer.status === 'streaming') return null;
  const usage = answer.usage;
  const cost = usage ? estimateCostNanoUsd(usage, price) : null;
  return (
    <Typography variant="caption" color="text.secondary" component="div" data-testid={testId} sx={{ mt: 1, fontVariantNumeric: 'tabular-nums' }}>
      {usage ? (
        <>
          {formatCount(usage.promptTokens)} prompt + {formatCount(usage.completionTokens)} completion tokens
          {usage.cachedPromptTokens > 0 ? ` (${formatCount(usage.cachedPromptTokens)} cached)` : ''}
        </>
      ) : (
        'No usage reported'
      )}
      {' · '}first token {ms(answer.ttftMs)} · total {ms(answer.totalMs)}
      {' · '}
      <span title="Estimated from the price list, without the Tollgate fee. The request log has the billed amount.">
        {cost !== null ? `≈ cost ${formatNanoUsd(cost)}` : usage ? '≈ cost unknown (no price for this model)' : ''}
      </span>
    </Typography>
  );
};

const AnswerBody = ({ answer, testId }: { answer: PlaygroundAnswer; testId?: string }) => (
  <Box>
    <Typography
      variant="body2"
      component="div"
      data-testid={testId}
      aria-live={answer.status === 'streaming' ? 'polite' : undefined}
      sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
    >
      {answer.text}
      {answer.status === 'streaming' && !answer.text && <CircularProgress size={14} sx={{ ml: 0.5 }} />}
    </Typography>
    {answer.status === 'aborted' && <Chip size="small" label="stopped" sx={{ mt: 1 }} />}
    {answer.status === 'error' && (
      <Alert severity="error" sx={{ mt: 1 }}>
        {answer.error ?? 'The request failed'}
      </Alert>
    )}
  </Box>
);

/**
 * One model's side of the conversation. Only the latest answer carries the stable test ids
 * (`playground-answer-<index>`, `playground-usage-<index>`); earlier ones are suffixed with their turn.
 */
export const AnswerColumn = ({
  index,
  model,
  turns,
  price,
}: {
  index: number;
  model: string;
  turns: PlaygroundTurn[];
  price: ModelPriceRow | undefined;
}) => (
  <Paper variant="outlined" sx={{ p: 2, height: '100%', display: 'flex', flexDirection: 'column', gap: 2, minWidth: 0 }} data-testid={`playground-column-${index}`}>
    <Typography variant="subtitle2" component="h3" noWrap title={model}>
      {model || `Model ${index + 1}`}
    </Typography>
    {turns.map((turn, t) => {
      const answer = turn.answers[index];
      const latest = t === turns.length - 1;
      const suffix = latest ? `${index}` : `${index}-turn-${t}`;
      return (
        <Box key={turn.id} sx={{ display: 'grid', gap: 1 }}>
          <Box sx={{ alignSelf: 'flex-end', bgcolor: 'action.selected', borderRadius: 2, px: 1.5, py: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            <Typography variant="body2" component="div">
              {turn.prompt}
            </Typography>
          </Box>
          {answer ? (
            <Box sx={{ px: 0.5 }}>
              <AnswerBody answer={answer} testId={`playground-answer-${suffix}`} />
              <UsageLine answer={answer} price={price} testId={`playground-usage-${suffix}`} />
            </Box>
          ) : (
            <Typography variant="caption" color="text.secondary">
              Not asked to this model.
            </Typography>
          )}
        </Box>
      );
    })}
  </Paper>
);
