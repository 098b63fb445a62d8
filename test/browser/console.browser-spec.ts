import { fakeUpstreamBaseUrls, startFakeUpstream, type FakeUpstream } from '@tollgate/providers/testing';
import type { Page } from 'playwright-core';
import { Client } from 'pg';
import { http } from '../support/http';
import { startStack, waitFor, type Stack } from '../support/stack';
import { PASSWORD, uniqueEmail } from '../support/tenants';
import { openBrowser, type BrowserSession } from './support/browser';
import { chooseOption, goto, row, waitForIdle } from './support/console-pages';
import { ProblemLedger, describeProblems } from './support/problems';

/**
 * The console in a real Chromium against the real stack from dist/ (API serving dist/admin, worker, Postgres,
 * Redis) and a fake AI provider. One user walks through the product; each `it` is one step and later steps
 * build on earlier ones. Screenshots of every main page go to artifacts/screenshots/.
 *
 * Steps that need the usage, request log, budgets, routes, statements, invoices, prices and gateway chat
 * endpoints are separate tests, so a missing endpoint fails only its own step.
 */

// Endpoints owned by a dedicated step: console errors they cause are asserted there, not where they happen.
const USAGE = [/\/usage\//, /\/budgets\b/];
const GATEWAY = [/\/v1\/models\b/, /\/v1\/chat\/completions\b/];
const REQUESTS = [/\/requests\b/];
const PRICES = [/\/prices\b/];
const OTHER_PAGES = [/\/routes\b/, /\/statements\b/, /\/invoices\b/];
const STRIPE_PAGES = [/\/billing\/(reconciliations|meter-reports)\b/];
const DEFERRED = [...USAGE, ...GATEWAY, ...REQUESTS, ...PRICES, ...OTHER_PAGES, ...STRIPE_PAGES];
const OPERATOR = { email: 'operator-browser@example.test', password: 'operator-browser-password-1' };

jest.setTimeout(120_000);

describe('Tollgate console in a browser', () => {
  let upstream: FakeUpstream;
  let stack: Stack;
  let baseUrl: string;
  let browser: BrowserSession;
  let page: Page;
  let ledger: ProblemLedger;

  const email = uniqueEmail('browser');
  const providerKeyLabel = 'Browser OpenAI key';
  const apiKeyName = 'Browser test key';
  let apiKeySecret = '';

  /**
   * One step of the walk-through. Console errors caused by the endpoints it owns are claimed here whenever
   * they happened (even during an earlier step); a failing step leaves a FAILED-<shot>.png screenshot.
   */
  const step = (name: string, owned: RegExp[], shot: string, fn: () => Promise<void>) =>
    it(name, async () => {
      let failure: unknown = null;
      try {
        await fn();
      } catch (error) {
        failure = error;
        await browser.screenshot(`FAILED-${shot}`).catch(() => undefined);
      }
      const problems = describeProblems(ledger.claim(owned));
      if (failure instanceof Error && problems) failure.message += `\n\nBrowser console:\n${problems}`;
      if (failure) throw failure;
      expect(problems).toBe('');
    });

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    stack = await startStack('browser', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), OPERATOR_EMAIL: OPERATOR.email, OPERATOR_PASSWORD: OPERATOR.password });
    const api = await stack.startApi();
    stack.startWorker();
    baseUrl = api.url;
    browser = await openBrowser();
    page = browser.page;
    ledger = new ProblemLedger(() => browser.takeProblems(), DEFERRED);
  });

  afterEach(() => {
    // Any console error or uncaught exception during a step fails that step (deferred endpoints aside).
    expect(describeProblems(ledger.unowned())).toBe('');
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await upstream?.close();
  });

  step('signs up and lands on the dashboard', [], 'signup', async () => {
    await goto(page, baseUrl, '/signup');
    await page.locator('input[name="name"]').fill('Browser Tester');
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('input[name="teamName"]').fill('Browser team');
    await browser.screenshot('signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('current-team').waitFor();
    expect(await page.getByTestId('current-team').textContent()).toBe('Browser team');
    expect(await page.getByTestId('current-role').textContent()).toContain('Owner');
    // Every role sees the playground in the menu; an owner also sees the team pages.
    for (const entry of ['Dashboard', 'Playground', 'API keys', 'Provider keys', 'Members']) {
      await page.getByRole('menuitem', { name: entry }).first().waitFor();
    }
    await waitForIdle(page);
    await browser.screenshot('dashboard-first-visit');
  });

  step('adds an OpenAI provider key and tests it', [], 'provider-keys', async () => {
    await goto(page, baseUrl, '/provider-keys/create');
    await page.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'OpenAI', exact: true }).click();
    await page.locator('input[name="label"]').fill(providerKeyLabel);
    await page.locator('input[name="key"]').fill('sk-browser-test-0123456789');
    await page.getByRole('button', { name: 'Save' }).click();
    await row(page, providerKeyLabel).waitFor();
    await page.getByRole('button', { name: `Test provider key ${providerKeyLabel}` }).click();
    // react-admin queues notifications (the "created" one is still showing), so the verdict is read from the row.
    await waitFor(async () => ((await row(page, providerKeyLabel).textContent()) ?? '').includes('Active'), 15_000, 'the key to test as active');
    await waitForIdle(page);
    await browser.screenshot('provider-keys');
  });

  step('creates an API key and shows its secret once', [], 'api-keys', async () => {
    await goto(page, baseUrl, '/api-keys/create');
    await page.locator('input[name="name"]').fill(apiKeyName);
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: `API key "${apiKeyName}" created` });
    await dialog.waitFor();
    apiKeySecret = (await dialog.getByTestId('secret-value').textContent())?.trim() ?? '';
    expect(apiKeySecret).toMatch(/^tg_/);
    await browser.screenshot('api-key-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await row(page, apiKeyName).waitFor();
    expect(await row(page, apiKeyName).textContent()).toContain('Active');
    // The secret works against the gateway.
    expect((await http(baseUrl, 'GET', '/v1/key', { apiKey: apiKeySecret })).status).toBe(200);
    await browser.screenshot('api-keys');
  });

  describe('playground (needs GET /v1/models, streaming POST /v1/chat/completions, GET /prices)', () => {
    /** The two models to use: OpenAI ones first, since the team only has an OpenAI provider key. */
    const pickModels = async (): Promise<string[]> => {
      const select = page.getByLabel('Model 1');
      await waitFor(async () => (await select.locator('option').count()) > 0 && (await select.inputValue()) !== '', 15_000, 'the model list');
      const options = (await select.locator('option').evaluateAll((els) => els.map((e) => e.getAttribute('value') ?? ''))).filter(Boolean);
      const openai = options.filter((o) => o.startsWith('openai/'));
      const pool = openai.length > 0 ? openai : options;
      return [pool[0], pool[1] ?? pool[0]];
    };

    step('creates a playground key and streams an answer', [...GATEWAY, ...PRICES], 'playground-chat', async () => {
      await goto(page, baseUrl, '/playground');
      await page.getByRole('button', { name: 'Create a playground key' }).click();
      await page.getByTestId('playground-key').waitFor();
      const [model] = await pickModels();
      await page.getByLabel('Model 1').selectOption(model);
      await page.getByTestId('playground-input').fill('Say hello to the browser test.');
      await page.getByTestId('playground-send').click();
      await waitFor(async () => ((await page.getByTestId('playground-answer-0').textContent()) ?? '').trim().length > 0, 20_000, 'the answer');
      const usage = page.getByTestId('playground-usage-0');
      await usage.waitFor();
      const usageText = (await usage.textContent()) ?? '';
      expect(usageText).toMatch(/\d+ prompt \+ \d+ completion tokens/);
      expect(usageText).toContain('first token');
      expect(usageText).toContain('≈ cost');
      // The conversation is listed and survives a reload (localStorage).
      await page.reload();
      await waitForIdle(page);
      await page.getByRole('button', { name: /^Say hello to the browser test/ }).waitFor();
      await browser.screenshot('playground-chat');
    });

    step('compares two models side by side, each with its usage', [...GATEWAY, ...PRICES], 'playground-compare', async () => {
      await goto(page, baseUrl, '/playground');
      await page.getByRole('button', { name: 'New conversation' }).click();
      await page.getByTestId('playground-compare').check();
      const [first, second] = await pickModels();
      await page.getByLabel('Model 1').selectOption(first);
      await page.getByLabel('Model 2').selectOption(second);
      await page.getByTestId('playground-input').fill('Compare: name a prime number.');
      await page.getByTestId('playground-send').click();
      for (const i of [0, 1]) {
        await waitFor(async () => ((await page.getByTestId(`playground-answer-${i}`).textContent()) ?? '').trim().length > 0, 20_000, `answer ${i}`);
        await page.getByTestId(`playground-usage-${i}`).waitFor();
        expect(await page.getByTestId(`playground-usage-${i}`).textContent()).toMatch(/\d+ prompt \+ \d+ completion tokens/);
      }
      await browser.screenshot('playground-compare');
    });
  });

  describe('reports (needs the requests and usage endpoints)', () => {
    step('lists the playground requests in the request log', REQUESTS, 'requests', async () => {
      await goto(page, baseUrl, '/requests');
      // Metering is asynchronous (worker); reload until the three requests (1 chat + 2 compared) appear.
      await waitFor(
        async () => {
          await page.reload();
          await waitForIdle(page);
          return (await page.locator('tbody tr').count()) >= 3;
        },
        30_000,
        'three rows in the request log',
      );
      expect(await row(page, 'Success').textContent()).toMatch(/\$\d/);
      await browser.screenshot('requests');
      await page.locator('tbody tr').first().click();
      await page.getByText('Tokens by class').waitFor();
      await page.getByRole('table', { name: 'Attempts' }).waitFor();
      await browser.screenshot('request-detail');
    });

    step('shows spend above zero on the dashboard', USAGE, 'dashboard', async () => {
      await waitFor(
        async () => {
          await goto(page, baseUrl, '/');
          const spend = page.getByTestId('usage-total-spend');
          await spend.waitFor({ timeout: 10_000 });
          const text = (await spend.textContent()) ?? '';
          return /^\$[\d,.]+$/.test(text) && /[1-9]/.test(text);
        },
        30_000,
        'a non-zero spend on the dashboard',
      );
      expect(Number(((await page.getByTestId('usage-total-requests').textContent()) ?? '0').replace(/,/g, ''))).toBeGreaterThanOrEqual(3);
      await page.getByTestId('chart-daily-spend').locator('svg').first().waitFor();
      await page.getByTestId('chart-by-model').locator('svg').first().waitFor();
      await browser.screenshot('dashboard');
    });

    step('keeps working in dark mode and at tablet width', [...USAGE, ...GATEWAY, ...PRICES], 'dark-tablet', async () => {
      await page.setViewportSize({ width: 820, height: 1180 });
      await page.emulateMedia({ colorScheme: 'dark' });
      try {
        await goto(page, baseUrl, '/');
        await page.getByTestId('usage-total-spend').waitFor();
        await browser.screenshot('dashboard-dark-tablet');
        await goto(page, baseUrl, '/playground');
        await page.getByTestId('playground-input').waitFor();
        await browser.screenshot('playground-dark-tablet');
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 1366, height: 900 });
      }
    });
  });

  describe('team billing pages (needs budgets, routes, statements, invoices, prices)', () => {
    step('creates a budget and shows its gauge', USAGE, 'budgets', async () => {
      await goto(page, baseUrl, '/budgets');
      await browser.screenshot('budgets-empty');
      await goto(page, baseUrl, '/budgets/create');
      await page.locator('input[name="amountUsd"]').fill('25');
      await page.getByRole('radio', { name: /^Hard/ }).check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('budget-gauge').first().waitFor();
      expect(await page.getByTestId('budget-gauge').first().textContent()).toContain('of $25.00');
      await browser.screenshot('budgets');
    });

    step('creates a route with two targets in fallback order', [/\/routes\b/], 'routes', async () => {
      await goto(page, baseUrl, '/routes/create');
      await page.locator('input[name="name"]').fill('fast');
      await page.locator('input[name="targets.0.model"]').fill('openai/gpt-4o-mini');
      await page.getByRole('button', { name: 'Add' }).click();
      await page.locator('input[name="targets.1.model"]').fill('openai/gpt-4o');
      await page.locator('input[name="targets.1.weight"]').fill('1');
      await page.getByRole('button', { name: 'Save' }).click();
      await row(page, 'fast').waitFor();
      expect(await row(page, 'fast').textContent()).toContain('1. openai/gpt-4o-mini');
      await browser.screenshot('routes');
    });

    step('shows this month in statements and the invoices page', [/\/statements\b/, /\/invoices\b/], 'statements', async () => {
      await goto(page, baseUrl, '/statements');
      const month = new Date().toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
      await row(page, month).waitFor();
      await browser.screenshot('statements');
      await row(page, month).click();
      await page.getByRole('button', { name: /Download statement .* as CSV/ }).waitFor();
      await browser.screenshot('statement-detail');
      await goto(page, baseUrl, '/invoices');
      // No Stripe in the test stack: the empty state explains what to do.
      await page.getByTestId('empty-state').waitFor();
      await browser.screenshot('invoices');
    });

    step('lists prices read-only', PRICES, 'prices', async () => {
      await goto(page, baseUrl, '/prices');
      await row(page, 'openai/').waitFor();
      expect(await page.getByRole('button', { name: /create/i }).count()).toBe(0);
      await browser.screenshot('prices');
    });
  });

  step('revokes the API key', [], 'api-key-revoked', async () => {
    await goto(page, baseUrl, '/api-keys');
    await page.getByRole('button', { name: `Revoke API key ${apiKeyName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await waitFor(async () => ((await row(page, apiKeyName).textContent()) ?? '').includes('Revoked'), 10_000, 'the revoked status');
    await waitFor(async () => (await http(baseUrl, 'GET', '/v1/key', { apiKey: apiKeySecret })).status === 401, 5_000, 'the gateway to refuse the key');
    await browser.screenshot('api-key-revoked');
  });

  step("the operator sees Stripe's reconciliation and meter reports, with filters", STRIPE_PAGES, 'stripe-billing', async () => {
    // No Stripe in the test stack: the rows the worker would write, written directly.
    const pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
    try {
      const team = (await pg.query(`SELECT id FROM teams WHERE name = 'Browser team'`)).rows[0].id as string;
      const day = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000);
      const next = new Date(day.getTime() + 86_400_000);
      await pg.query(
        `INSERT INTO stripe_reconciliations (team_id, meter, period_start, period_end, ledger_value, delivered_value, pending_value, stripe_value, difference, status)
         VALUES ($1, 'tokens', $2, $3, 12000, 12000, 0, 12000, 0, 'ok'), ($1, 'markup', $2, $3, 2500, 2500, 0, 2000, 500, 'mismatch')`,
        [team, day, next],
      );
      await pg.query(
        `INSERT INTO stripe_meter_reports (identifier, team_id, customer_id, meter, event_name, hour_start, value, status, attempts, last_error, delivered_at)
         VALUES ('browser-tokens-1', $1, 'cus_browser', 'tokens', 'tollgate_tokens', $2, 12000, 'delivered', 1, NULL, now()),
                ('browser-markup-1', $1, 'cus_browser', 'markup', 'tollgate_markup_micro_usd', $2, 2500, 'failed', 5, 'customer_not_found: No such customer', NULL)`,
        [team, day],
      );
    } finally {
      await pg.end();
    }
    // Sign out through the user menu (which ends the session on the server too), then in as the operator.
    const ownerRefresh = String(await page.evaluate("window.localStorage.getItem('tollgate.refreshToken')"));
    expect(ownerRefresh.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('menuitem', { name: 'Logout' }).click();
    await page.locator('input[name="username"]').waitFor();
    expect((await http(baseUrl, 'POST', '/auth/refresh', { body: { refreshToken: ownerRefresh } })).status).toBe(401);
    await page.locator('input[name="username"]').fill(OPERATOR.email);
    await page.locator('input[name="password"]').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('menuitem', { name: 'Stripe reconciliation' }).waitFor();
    await waitFor(async () => ((await page.getByRole('button', { name: 'Profile' }).textContent()) ?? '').includes('Operator'), 10_000, "the operator's name in the app bar");

    await goto(page, baseUrl, '/billing/reconciliations');
    await row(page, 'Mismatch').waitFor();
    const mismatch = (await row(page, 'Mismatch').textContent()) ?? '';
    expect(mismatch).toContain('Browser team');
    expect(mismatch).toContain('markup');
    expect(mismatch).toContain('$0.0025'); // 2,500 micro-USD in the ledger
    expect((await row(page, '12,000 tokens').textContent()) ?? '').toContain('OK');
    await browser.screenshot('stripe-reconciliations');
    await chooseOption(page, 'Status', 'Mismatch');
    await waitFor(async () => (await page.locator('tbody tr').count()) === 1, 10_000, 'only the mismatch row');
    expect(await row(page, 'Browser team').textContent()).toContain('Mismatch');

    await goto(page, baseUrl, '/billing/meter-reports');
    await row(page, 'customer_not_found').waitFor();
    expect((await row(page, 'customer_not_found').textContent()) ?? '').toContain('Failed');
    expect((await row(page, '12,000 tokens').textContent()) ?? '').toContain('Delivered');
    await browser.screenshot('stripe-meter-reports');
  });

  it('left no browser console error unaccounted for', () => {
    expect(describeProblems(ledger.leftovers())).toBe('');
  });
});
