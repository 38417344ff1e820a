// Drives the Aspire dashboard in a headless Chromium over the DevTools protocol: logs in with the AppHost's
// browser token, optionally runs a resource command from the Resources page, and screenshots a page.
// Node 20: run with --experimental-websocket (Node 22+ has WebSocket built in). Used by scripts/dashboard-screenshot.sh.
//
//   node --experimental-websocket scripts/dashboard-cdp.mjs <devtools-port> <dashboard-url> <login-token> \
//        [--command "<resource>" "<command display name>"] [--screenshot <path>]
import { writeFileSync } from 'node:fs';

const [port, dashboard, token, ...rest] = process.argv.slice(2);
const option = (name, count = 1) => {
  const i = rest.indexOf(name);
  return i < 0 ? undefined : rest.slice(i + 1, i + 1 + count);
};
const command = option('--command', 2);
const screenshot = option('--screenshot')?.[0];
const deadline = (seconds) => Date.now() + seconds * 1000;

const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const page = targets.find((t) => t.type === 'page');
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
let nextId = 0;
const pending = new Map();
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.id !== undefined && pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  }
};
const send = (method, params = {}) => new Promise((resolve, reject) => {
  const id = ++nextId;
  pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
  ws.send(JSON.stringify({ id, method, params }));
});
const evaluate = async (expression) =>
  (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })).result.value;
// Polls a page expression until it is truthy: the dashboard is a Blazor app that renders after load.
const waitFor = async (expression, what, seconds = 30) => {
  const until = deadline(seconds);
  while (Date.now() < until) {
    const value = await evaluate(expression).catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what}`);
};
const navigate = async (url) => {
  await send('Page.navigate', { url });
  await waitFor('document.readyState === "complete"', `load of ${url}`);
};

await send('Page.enable');
await send('Runtime.enable');
await send('Emulation.setDeviceMetricsOverride', { width: 1600, height: 1000, deviceScaleFactor: 1, mobile: false });
await navigate(`${dashboard}/login?t=${token}`);
await waitFor('!location.pathname.startsWith("/login")', 'the login to complete');

let traceId;
if (command) {
  const [resource, displayName] = command;
  await navigate(`${dashboard}/`);
  // The resource row's "…" menu holds its commands.
  await waitFor(`(() => {
    const row = [...document.querySelectorAll('tr[role=row]')].find(r => r.querySelector('td')?.textContent.trim() === ${JSON.stringify(resource)});
    const menu = row && [...row.querySelectorAll('fluent-button')].find(b => b.getAttribute('aria-label') === 'Actions');
    if (!menu) return false;
    menu.click();
    return true;
  })()`, `the ${resource} row's actions`);
  await waitFor(`(() => {
    const item = [...document.querySelectorAll('fluent-menu-item, [role=menuitem]')].find(i => i.textContent.trim() === ${JSON.stringify(displayName)});
    if (!item || item.getAttribute('aria-disabled') === 'true' || item.hasAttribute('disabled')) return false;
    item.click();
    return true;
  })()`, `the enabled menu item "${displayName}"`);
  // The toast says only succeeded/failed; the command's message is in the notification center.
  const name = JSON.stringify(`"${displayName}"`);
  await waitFor(`[...document.querySelectorAll('fluent-toast-b')].some(t => t.textContent.includes(${name}) && /succeeded|failed|canceled/.test(t.textContent))`, 'the command to finish', 60);
  await evaluate(`[...document.querySelectorAll('fluent-button')].find(b => b.getAttribute('aria-label') === 'Notifications').click()`);
  const result = await waitFor(`(() => {
    const entry = [...document.querySelectorAll('.notification-entry')].find(e => e.textContent.includes(${name}) && /succeeded|failed|canceled/.test(e.textContent));
    return entry && entry.textContent.trim().replace(/\\s+/g, ' ');
  })()`, 'the notification');
  console.log(`command result: ${result}`);
  traceId = /trace ([0-9a-f]{32})/.exec(result)?.[1];
}

if (screenshot) {
  // The command's message ends with its trace id: show that trace; otherwise the trace list.
  await navigate(traceId ? `${dashboard}/traces/detail/${traceId}` : `${dashboard}/traces`);
  // The "no trusted development certificate" bar is about HTTPS, which this stack does not use.
  await evaluate(`[...document.querySelectorAll('fluent-button')].filter(b => b.getAttribute('aria-label') === 'Dismiss notification').forEach(b => b.click())`);
  await new Promise((r) => setTimeout(r, 2500)); // let the grid finish its layout animation
  const shot = await send('Page.captureScreenshot', { format: 'png' });
  writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
  console.log(`screenshot: ${screenshot} (${await evaluate('location.href')})`);
}

ws.close();
