import { TestApp, startTestApp } from '../../../../test/support/app';
import { UNAUTHORIZED_BODY } from '../common/api-error';

/** The only routes reachable without credentials. Adding one means adding it here, on purpose. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready', 'POST /auth/login', 'POST /auth/refresh', 'POST /auth/signup', 'POST /invitations/accept', 'POST /billing/stripe/webhook'].sort();

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('every route requires auth unless it is explicitly public', () => {
  let t: TestApp;
  let routes: string[];

  beforeAll(async () => {
    t = await startTestApp('routes');
    const router = (t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
    routes = router.stack
      .flatMap((l) => (l.route ? [l.route] : []))
      .flatMap((route) => Object.keys(route.methods).map((m) => `${m.toUpperCase()} ${route.path}`))
      // Wildcard catch-alls (static files, Nest's 404) are not feature routes.
      .filter((r) => !r.startsWith('_ALL') && !r.includes('*'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds the route table', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const r of PUBLIC_ROUTES) expect(routes).toContain(r);
  });

  it('answers 401 with the one body on every non-public route called without credentials', async () => {
    const open: string[] = [];
    for (const r of routes) {
      const [method, path] = r.split(' ');
      const url = t.url + path.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
      const isPublic = PUBLIC_ROUTES.includes(r);
      if (!isPublic) {
        if (res.status !== 401) open.push(`${r} -> ${res.status}`);
        else expect(await res.json()).toEqual(UNAUTHORIZED_BODY);
      }
    }
    expect(open).toEqual([]);
  });
});
