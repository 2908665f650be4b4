/** The small page an operator opens once to let the Temporal UI decode payloads in their browser. */
export function loginPage(message = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>approvals-bridge · payload codec</title>
<style>body{font:15px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}input{width:100%;padding:.4rem}
button{margin-top:.8rem;padding:.4rem 1rem}.note{color:#555}</style></head>
<body><h1>Payload codec</h1>
<p class="note">Approvals are encrypted in workflow history. Paste an <b>admin</b> token to let the Temporal UI in this
browser decode them (the session lasts 12 hours; use the same host name for the UI and the API).</p>
${message ? `<p><b>${escapeHtml(message)}</b></p>` : ''}
<form method="post" action="session"><label>Admin token <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Start session</button></form></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The session cookie: HttpOnly, only sent to /codec, same-site only. */
export function sessionCookie(name: string, token: string, secure: boolean): string {
  const attributes = [
    'Path=/codec',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${12 * 3600}`,
    ...(secure ? ['Secure'] : []),
  ];
  return [`${name}=${encodeURIComponent(token)}`, ...attributes].join('; ');
}
