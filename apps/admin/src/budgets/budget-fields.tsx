import { ReferenceField, TextField, useRecordContext } from 'react-admin';
import { BudgetGauge } from '../common/BudgetGauge';

export interface BudgetRecord {
  id: string;
  scope: 'team' | 'member' | 'api_key';
  memberId?: string | null;
  apiKeyId?: string | null;
  period: 'day' | 'month' | 'total';
  amountNanoUsd: string;
  mode: 'hard' | 'soft';
  alertThresholds: number[];
  spentNanoUsd: string;
  periodStart: string | null;
  createdAt: string;
}

export const scopeChoices = [
  { id: 'team', name: 'Whole team' },
  { id: 'member', name: 'One member' },
  { id: 'api_key', name: 'One API key' },
];

export const periodChoices = [
  { id: 'day', name: 'Per day' },
  { id: 'month', name: 'Per month' },
  { id: 'total', name: 'Lifetime total' },
];

export const modeChoices = [
  { id: 'hard', name: 'Hard: reject requests past 100%' },
  { id: 'soft', name: 'Soft: alert only' },
];

/** What the budget applies to: the team, a member (by email) or an API key (by name). */
export const BudgetTargetField = (_props: { label?: string }) => {
  const record = useRecordContext<BudgetRecord>();
  if (!record) return null;
  if (record.scope === 'member' && record.memberId) {
    return (
      <ReferenceField source="memberId" reference="members" link={false}>
        <TextField source="email" />
      </ReferenceField>
    );
  }
  if (record.scope === 'api_key' && record.apiKeyId) {
    return <ReferenceField source="apiKeyId" reference="api-keys" link="show" />;
  }
  return <span>Whole team</span>;
};

export const BudgetGaugeField = (_props: { label?: string }) => {
  const record = useRecordContext<BudgetRecord>();
  if (!record) return null;
  return (
    <BudgetGauge
      spentNanoUsd={record.spentNanoUsd}
      amountNanoUsd={record.amountNanoUsd}
      alertThresholds={record.alertThresholds}
      mode={record.mode}
    />
  );
};
