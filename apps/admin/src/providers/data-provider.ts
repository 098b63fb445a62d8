import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider, DeleteParams, Identifier, RaRecord } from 'react-admin';
import { apiRequest, apiUrl, httpClient } from './http-client';

export interface ProviderKeyTestResult {
  status: 'active' | 'invalid' | 'cooling_down' | 'unverified';
  httpStatus?: number;
}

export interface TollgateDataProvider extends DataProvider {
  testProviderKey(id: Identifier): Promise<ProviderKeyTestResult>;
}

const base = simpleRestProvider(apiUrl, httpClient);

/**
 * Simple-rest dialect against the Tollgate API. Deletes (revoke, remove) may answer 204 without a body, so
 * they resolve to the record react-admin already had.
 */
export const dataProvider: TollgateDataProvider = {
  ...base,

  delete: async <RecordType extends RaRecord = RaRecord>(resource: string, params: DeleteParams<RecordType>) => {
    const res = await httpClient<RecordType | undefined>(`${apiUrl}/${resource}/${encodeURIComponent(params.id)}`, {
      method: 'DELETE',
    });
    const data = res.json?.id !== undefined ? res.json : ({ ...params.previousData, id: params.id } as RecordType);
    return { data };
  },

  async deleteMany(resource, params) {
    await Promise.all(
      params.ids.map((id) => httpClient(`${apiUrl}/${resource}/${encodeURIComponent(id)}`, { method: 'DELETE' })),
    );
    return { data: params.ids };
  },

  testProviderKey(id) {
    return apiRequest<ProviderKeyTestResult>(`/provider-keys/${encodeURIComponent(id)}/test`, { method: 'POST' });
  },
};
