// The web client as a person uses it, in Debian's Chromium: sign up, log out,
// log in, edit the profile, follow someone and see the counts change, get a
// live notification badge, and ask to follow a private account.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectStatus, signup, uniqueHandle } from '../lib/http.js';
import { cleanupAll, repoRoot, startRiffd } from '../lib/riffd.js';
import { openBrowser, step } from '../lib/browser.js';

let server;
before(async () => {
  const index = path.join(repoRoot, 'web/dist/index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`${index} is missing: build the web client first (cd web && npm run build)`);
  }
  server = await startRiffd();
});
after(cleanupAll);

const handleText = (h) => `@${h}`;

describe('accounts in the browser', () => {
  test('sign up, log out, log in, and edit the profile', async (t) => {
    const b = await openBrowser(server, t);
    const { page } = b;
    const handle = uniqueHandle('web');
    const password = 'browser-password-1';
    try {
      await step(b, 'sign up', async () => {
        await page.goto(`${server.url}/signup`);
        await page.getByLabel('Handle', { exact: true }).fill(handle);
        await page.getByLabel('Email', { exact: true }).fill(`${handle.replace('_', '')}@example.com`);
        await page.getByLabel('Password', { exact: true }).fill(password);
        await page.getByLabel('Display name', { exact: true }).fill('Web Person');
        await page.getByRole('button', { name: 'Sign up', exact: true }).click();
        await page.waitForURL(`${server.url}/@${handle}`);
        await page.getByTestId('profile-handle').filter({ hasText: handleText(handle) }).waitFor();
        assert.equal(await page.getByTestId('follower-count').textContent(), '0');
        assert.equal(await page.getByTestId('following-count').textContent(), '0');
      });

      await step(b, 'log out', async () => {
        await page.getByRole('link', { name: 'Edit profile' }).click();
        await page.getByRole('button', { name: 'Log out', exact: true }).click();
        await page.waitForURL(`${server.url}/login`);
        // The session is really gone: a reload stays logged out.
        await page.goto(`${server.url}/settings`);
        await page.getByRole('button', { name: 'Log out', exact: true }).waitFor({ state: 'detached' });
        const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
        assert.equal(me, 401, 'GET /api/v1/me after logging out');
      });

      await step(b, 'a wrong password shows an error and stays on the login page', async () => {
        await page.goto(`${server.url}/login`);
        await page.getByLabel('Handle or email', { exact: true }).fill(handle);
        await page.getByLabel('Password', { exact: true }).fill('not-the-password');
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        await page.getByRole('alert').first().waitFor();
        assert.equal(new URL(page.url()).pathname, '/login');
      });

      await step(b, 'log in', async () => {
        await page.getByLabel('Handle or email', { exact: true }).fill(handle);
        await page.getByLabel('Password', { exact: true }).fill(password);
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        await page.waitForURL(`${server.url}/@${handle}`);
        await page.getByTestId('profile-handle').filter({ hasText: handleText(handle) }).waitFor();
      });

      await step(b, 'edit the profile', async () => {
        await page.getByRole('link', { name: 'Edit profile' }).click();
        await page.waitForURL(`${server.url}/settings`);
        const name = page.getByLabel('Display name', { exact: true });
        await name.fill('Renamed Person');
        await page.getByLabel('Bio', { exact: true }).fill('I make short videos about bread.');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByTestId('save-status').waitFor();
        await page.goto(`${server.url}/@${handle}`);
        await page.getByText('Renamed Person').first().waitFor();
        await page.getByText('I make short videos about bread.').waitFor();
        // Stored on the server, not just shown.
        await page.reload();
        await page.getByText('I make short videos about bread.').waitFor();
      });
    } finally {
      await b.close();
    }
    const profile = await fetch(`${server.url}/api/v1/users/${handle}`).then((r) => r.json());
    assert.equal(profile.display_name, 'Renamed Person');
    assert.equal(profile.bio, 'I make short videos about bread.');
  });

  test('follow another user and see the follower count change', async (t) => {
    const other = await signup(server, { display_name: 'Someone Else' });
    const me = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'log in', async () => {
        await page.goto(`${server.url}/login`);
        await page.getByLabel('Handle or email', { exact: true }).fill(me.email);
        await page.getByLabel('Password', { exact: true }).fill(me.password);
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        await page.waitForURL(`${server.url}/@${me.handle}`);
      });

      await step(b, 'follow', async () => {
        await page.goto(`${server.url}/@${other.handle}`);
        await page.getByTestId('profile-handle').filter({ hasText: handleText(other.handle) }).waitFor();
        assert.equal(await page.getByTestId('follower-count').textContent(), '0');
        await page.getByRole('button', { name: 'Follow', exact: true }).click();
        await page.getByRole('button', { name: 'Following', exact: true }).waitFor();
        await waitForText(page.getByTestId('follower-count'), '1');
      });

      await step(b, 'the change is stored', async () => {
        await page.reload();
        await page.getByRole('button', { name: 'Following', exact: true }).waitFor();
        await waitForText(page.getByTestId('follower-count'), '1');
        await page.goto(`${server.url}/@${me.handle}`);
        await waitForText(page.getByTestId('following-count'), '1');
      });
    } finally {
      await b.close();
    }
    const p = await other.profile(other);
    assert.equal(p.json.follower_count, 1);
  });

  test('a new follower shows up live as the unread badge', async (t) => {
    const me = await signup(server);
    const fan = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    // The client re-reads the unread count over HTTP when the socket says
    // hello; a follow that lands while that read is in flight races with it.
    // Count finished reads so the follow happens after the catch-up read.
    let unreadReads = 0;
    page.on('requestfinished', (r) => {
      if (r.url().includes('/api/v1/notifications/unread-count')) unreadReads += 1;
    });
    // Resolves when the page's WebSocket has been greeted as `me`.
    const greeted = new Promise((resolve) => {
      page.on('websocket', (ws) => {
        ws.on('framereceived', ({ payload }) => {
          try {
            const msg = JSON.parse(String(payload));
            if (msg.type === 'hello' && msg.user_id === me.id) resolve();
          } catch {
            // not JSON: ignore
          }
        });
      });
    });
    try {
      await step(b, 'log in and wait on the profile', async () => {
        await page.goto(`${server.url}/login`);
        await page.getByLabel('Handle or email', { exact: true }).fill(me.handle);
        await page.getByLabel('Password', { exact: true }).fill(me.password);
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        await page.waitForURL(`${server.url}/@${me.handle}`);
        await withTimeout(greeted, 15000, 'the page opened /api/v1/ws and got hello for the user');
        // One read when the session starts, one after hello.
        await expectEventually(async () => unreadReads >= 2, 10000, async () => `unread-count was read ${unreadReads} times`);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(await page.getByTestId('unread-badge').count(), 0, 'no badge with nothing unread');
      });

      await step(b, 'someone follows: the badge appears without a reload', async () => {
        expectStatus(await fan.follow(me), 200);
        await page.getByTestId('unread-badge').waitFor();
        await waitForText(page.getByTestId('unread-badge'), '1');
      });

      await step(b, 'the inbox lists the follow and clears the badge', async () => {
        await page.getByRole('link', { name: /Inbox/ }).click();
        await page.waitForURL(`${server.url}/inbox`);
        await page.getByTestId('notification').filter({ hasText: fan.handle }).first().waitFor();
        await page.getByTestId('unread-badge').waitFor({ state: 'detached' });
      });
    } finally {
      await b.close();
    }
  });

  test('making the account private turns a follow into a request', async (t) => {
    const owner = await signup(server);
    const fan = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'the owner makes the account private', async () => {
        await page.goto(`${server.url}/login`);
        await page.getByLabel('Handle or email', { exact: true }).fill(owner.handle);
        await page.getByLabel('Password', { exact: true }).fill(owner.password);
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        await page.waitForURL(`${server.url}/@${owner.handle}`);
        await page.goto(`${server.url}/settings`);
        const toggle = page.getByLabel('Private account', { exact: true });
        await toggle.check();
        await expectEventually(async () => (await owner.get('/api/v1/me')).json.is_private === true);
      });

      await step(b, 'a follow is now a request that the owner approves', async () => {
        const r = await fan.follow(owner);
        expectStatus(r, 200);
        assert.equal(r.json.state, 'requested');
        await page.reload();
        const requests = page.getByRole('list', { name: 'Follow requests' });
        // The row shows the name and the @handle; the name alone is the exact match.
        const row = requests.getByText(fan.handle, { exact: true });
        await row.waitFor();
        await requests.getByRole('button', { name: 'Approve' }).click();
        await row.waitFor({ state: 'detached' });
        await expectEventually(async () => (await fan.profile(owner)).json.viewer.following === true);
      });
    } finally {
      await b.close();
    }
  });
});

async function waitForText(locator, text, timeoutMs = 10000) {
  await expectEventually(async () => (await locator.textContent())?.trim() === text, timeoutMs, async () => `text is "${await locator.textContent()}", want "${text}"`);
}

async function expectEventually(fn, timeoutMs = 10000, describeFailure) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) {
      assert.fail(describeFailure ? await describeFailure() : 'condition not met in time');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for: ${what}`)), ms);
    }),
  ]);
}
