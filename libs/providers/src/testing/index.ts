export { fakeUpstreamBaseUrls, startFakeUpstream } from './fake-upstream';
export { parseFakeMode, splitModel } from './fake-upstream.mode';
export { countFakeTokens } from './fake-upstream.engine';
export type { FakeMode, FakeRecordedRequest, FakeServedUsage, FakeUpstream, FakeUpstreamOptions } from './fake-upstream.types';
export { startReplayServer, type ReplayServer, type WireFixture } from './replay-server';
