import { DeleteButton, useRecordContext, type RedirectionSideEffect } from 'react-admin';
import type { ApiKeyRecord } from './ApiKeyFields';

/** Revoking is a DELETE; the key stays listed as revoked. Hidden once revoked. */
export const RevokeApiKeyButton = ({ redirect = false }: { redirect?: RedirectionSideEffect }) => {
  const record = useRecordContext<ApiKeyRecord>();
  if (!record || record.revokedAt) return null;
  return (
    <DeleteButton
      label="Revoke"
      mutationMode="pessimistic"
      redirect={redirect}
      confirmTitle={`Revoke API key "${record.name}"?`}
      confirmContent="Applications using this key will get 401 errors immediately. This cannot be undone."
      aria-label={`Revoke API key ${record.name}`}
      successMessage="API key revoked"
    />
  );
};
