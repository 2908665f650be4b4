import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { SimPlatform } from '../../sim/core/types.js';
import type { ApprovalResult, ApprovalState } from '../../src/domain/state.js';
import { registerCallbackUrls } from '../../src/service/callback-registration.js';
import { eventually, startStack, type Stack } from '../support/stack.js';
import { artifactPath, launchChromium } from './chromium.js';

const PLATFORMS: SimPlatform[] = ['feishu', 'lark', 'dingtalk', 'dingtalk-exclusive'];
/** Playwright's waits; the whole file stays well under a minute. */
const UI_TIMEOUT_MS = 20_000;

/** The card of `ticketId` in the open user's chat on `platform`. */
function cardOf(page: Page, platform: SimPlatform, ticketId: string): Locator {
  return page.locator(`[data-panel="${platform}"] .msg`, { hasText: ticketId });
}

/** Presses "New demo ticket" and answers the ticket id the page reports. */
async function newDemoTicket(page: Page, previous = ''): Promise<string> {
  await page.getByRole('button', { name: 'New demo ticket' }).click();
  const started = page.locator(`#status [data-ticket-id]:not([data-ticket-id="${previous}"])`);
  await started.waitFor();
  const ticketId = (await started.getAttribute('data-ticket-id')) ?? '';
  assert.match(ticketId, /^demo-/);
  return ticketId;
}

/**
 * Presses a card button and waits for what the app answered (the note under the card): a refused or failed callback
 * fails here with its reason instead of a timeout further on.
 */
async function press(card: Locator, name: 'Approve' | 'Reject'): Promise<void> {
  await card.getByRole('button', { name }).click();
  const note = card.locator('.click-note.ok, .click-note.error');
  await note.waitFor();
  const text = await note.innerText();
  assert.equal(await card.locator('.click-note.error').count(), 0, `the click was not accepted: ${text}`);
}

/** Waits until the ticket's card on every platform says `text` and has no buttons left (live, no reload). */
async function allShow(page: Page, ticketId: string, text: RegExp): Promise<void> {
  for (const platform of PLATFORMS) {
    const card = cardOf(page, platform, ticketId);
    await card.getByText(text).first().waitFor();
    assert.equal(await card.getByRole('button').count(), 0, `${platform}: no buttons left`);
  }
}

/** Switches the page's user picker, as a person would. */
async function viewAs(page: Page, userId: string): Promise<void> {
  await page.getByLabel('User').selectOption(userId);
  await page.waitForURL(`**/?user=${userId}`);
}

/** Keeps a screenshot of the page when a step fails (test-results/browser/<name>), then fails. */
async function screenshotOnFailure(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    await page.screenshot({ path: artifactPath(name) }).catch(() => undefined);
    throw err;
  }
}

function apiStatus(stack: Stack, ticketId: string, status: string) {
  return eventually(
    () => stack.call<ApprovalState & ApprovalResult>('GET', `/v1/approvals/${ticketId}`),
    (res) => res.body.status === status,
    UI_TIMEOUT_MS,
  );
}

describe('sandbox inbox page in Chromium: demo tickets decided from a card, every approver sees the outcome', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let ticketId = '';

  before(async () => {
    browser = await launchChromium(); // first: a missing Chromium fails here, before the stack is started
    stack = await startStack();
    // What the API does when `npm start` runs it: the platforms' card callbacks point at the API.
    const registered = await registerCallbackUrls({
      channelSource: stack.deps.channelSource,
      callbackBaseUrl: stack.apiUrl,
      simulatorUrl: stack.sim.url,
      dispatcher: stack.deps.dispatcher,
    });
    assert.ok(
      registered.every((r) => r.status === 'registered'),
      `card callbacks registered: ${JSON.stringify(registered)}`,
    );
    // And what `npm start` does for the page: demo tickets start on our API with a ticket-system token.
    const token = await stack.tokenFor('ticket-system', 'sandbox-demo');
    await stack.sim.control.call('PUT', '/demo', { apiUrl: stack.apiUrl, token });
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('"New demo ticket" starts an approval and the pending card appears on all four platforms', async () => {
    await page.goto(`${stack.sim.url}/?user=bob`);
    await page.locator('body[data-ready="true"]').waitFor();
    ticketId = await newDemoTicket(page);
    for (const platform of PLATFORMS) {
      const card = cardOf(page, platform, ticketId);
      await card.getByRole('button', { name: 'Approve' }).waitFor(); // arrives live, without a reload
      assert.equal(await card.getByRole('button', { name: 'Reject' }).count(), 1, `${platform}: Reject`);
      assert.equal(await card.getByRole('link', { name: 'View details' }).count(), 1, `${platform}: View details`);
      assert.match(await card.innerText(), /Alice Chen/, `${platform}: the requester`);
    }
    await page.screenshot({ path: artifactPath('inbox-pending.png') });
  });

  test('Approve on bob\'s Feishu card: "Approved by …" on his and carol\'s cards, `approved` in the API', async () => {
    assert.ok(ticketId, 'the demo ticket of the first test');
    await screenshotOnFailure(page, 'inbox-failure.png', async () => {
      await press(cardOf(page, 'feishu', ticketId), 'Approve'); // Feishu's encrypted, signed card.action.trigger
      await allShow(page, ticketId, /Approved by Bob Li/);
      await page.screenshot({ path: artifactPath('inbox-bob-approved.png') });

      await viewAs(page, 'carol');
      await allShow(page, ticketId, /Approved by Bob Li/);
      await page.screenshot({ path: artifactPath('inbox-carol-approved.png') });
    });
    const state = await apiStatus(stack, ticketId, 'approved');
    assert.equal(state.body.outcome?.by?.userId, 'bob');
  });

  test('alice hears the outcome in her chats, and "Ticket executed" tells her and the approver who decided', async () => {
    assert.ok(ticketId, 'the demo ticket approved above');
    await screenshotOnFailure(page, 'inbox-failure.png', async () => {
      await viewAs(page, 'alice');
      // The requester has no approval card, only notices: the outcome on every platform, no button to press.
      await allShow(page, ticketId, /Approved by Bob Li/);
      await page.getByRole('button', { name: 'Ticket executed' }).click();
      await page.locator('#status [data-event-id]').waitFor();
      await allShow(page, ticketId, /Executed/);
      await allShow(page, ticketId, /12,000 rows exported/);
      await page.screenshot({ path: artifactPath('inbox-alice-notices.png') });
      await viewAs(page, 'bob');
      await allShow(page, ticketId, /Executed/);
      await viewAs(page, 'carol'); // where the next test decides from
    });
    const notice = await eventually(
      () => stack.call<{ status: string }>('GET', `/v1/events/${ticketId}-executed`),
      (res) => res.body.status === 'delivered',
      UI_TIMEOUT_MS,
    );
    assert.equal(notice.status, 200);
  });

  test('Reject on carol\'s DingTalk card: "Rejected by …" on her and bob\'s cards, `rejected` in the API', async () => {
    await screenshotOnFailure(page, 'inbox-failure.png', async () => {
      const second = await newDemoTicket(page, ticketId);
      await press(cardOf(page, 'dingtalk', second), 'Reject'); // DingTalk's HMAC-signed actionCallback
      await allShow(page, second, /Rejected by Carol Wang/);
      await viewAs(page, 'bob');
      await allShow(page, second, /Rejected by Carol Wang/);
      const state = await apiStatus(stack, second, 'rejected');
      assert.equal(state.body.outcome?.by?.userId, 'carol');
    });
  });

  test("a user's app language: Feishu and Lark cards and the toast switch to it on the page", async () => {
    await screenshotOnFailure(page, 'inbox-failure.png', async () => {
      await viewAs(page, 'carol');
      const language = page.getByLabel('App language');
      assert.equal(await language.inputValue(), 'en-US', "carol's app is in English");
      const japanese = await newDemoTicket(page, ticketId);
      await language.selectOption('ja-JP');
      for (const platform of ['feishu', 'lark'] as const) {
        const card = cardOf(page, platform, japanese);
        await card.getByRole('button', { name: '承認' }).waitFor();
        assert.match(await card.innerText(), /承認依頼：Export the orders table/);
      }
      await pressInJapanese(cardOf(page, 'lark', japanese));
      await page.screenshot({ path: artifactPath('inbox-carol-japanese.png') });
      await language.selectOption('en-US');
      await cardOf(page, 'feishu', japanese)
        .getByText(/Approved by Carol Wang/)
        .first()
        .waitFor();
    });
  });

  /** Presses 承認 and waits for the Japanese toast the app shows. */
  async function pressInJapanese(card: Locator): Promise<void> {
    await card.getByRole('button', { name: '承認' }).click();
    await card.locator('.click-note.ok', { hasText: 'この申請を承認しました' }).waitFor();
  }
});
