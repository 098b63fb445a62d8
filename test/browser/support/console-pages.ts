import type { Locator, Page } from 'playwright-core';

/** Small page helpers for the react-admin console (hash router). */

export async function goto(page: Page, baseUrl: string, hashPath: string): Promise<void> {
  await page.goto(`${baseUrl}/#${hashPath}`);
  await waitForIdle(page);
}

/** Waits until react-admin's loading indicator is gone and the network is quiet. */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page
    .locator('[data-testid="loading"], .RaLoadingIndicator-loader')
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
}

/** A react-admin notification (snackbar) with this text. */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.MuiSnackbar-root, [role="alert"]').filter({ hasText: text }).first();
}

/** Picks an option of a MUI select (non-native) by its label. */
export async function chooseOption(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

/** The data row of a react-admin DataTable containing a text. */
export function row(page: Page, text: string | RegExp): Locator {
  return page.locator('tbody tr').filter({ hasText: text }).first();
}
