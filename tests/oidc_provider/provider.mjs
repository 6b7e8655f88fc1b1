// A real OpenID Connect provider for the SSO tests: the certified `oidc-provider` package, configured
// from a JSON file the test suite writes. Test use only, on a loopback port.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"issuer": "http://127.0.0.1:PORT", "port": PORT,
//          "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris,
//                       backchannel_logout_uri?}],
//          "accounts": {"<sub>": {"email", "email_verified", "name", "amr"?: [...], "acr"?: "..."}}}
//
// Every start generates a new RS256 signing key with a new `kid`: restarting the provider is a key
// rotation. Test-only endpoints (never part of a real provider):
//   POST /__test/mode  {"mode": "wrong_aud"|"expired"|"bad_signature"|"wrong_iss"|""}
//        the next token response carries an ID token spoiled that way (one shot)
//   GET  /__test/state  {"kid": ..., "jwks_requests": N, "mode": ...}
// The log-in page (GET /interaction/:uid) is a small form: "login" is the account's sub or e-mail
// address; consent is given without asking.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

import { Provider } from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts || {};

const kid = `k-${randomUUID()}`;
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

const state = { kid, jwks_requests: 0, mode: '' };

function findByLogin(login) {
  if (accounts[login]) return login;
  const wanted = String(login || '').trim().toLowerCase();
  return Object.keys(accounts).find((sub) => String(accounts[sub].email || '').toLowerCase() === wanted);
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    token_endpoint_auth_method: 'client_secret_basic',
    response_types: ['code'],
    grant_types: ['authorization_code'],
    ...c,
  })),
  jwks: { keys: [privateJwk] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile'],
  // acr and amr in every ID token, as identity providers that do MFA send them.
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'], email: ['email', 'email_verified'], profile: ['name'] },
  acrValues: ['urn:test:loa:1', 'urn:test:loa:mfa'],
  cookies: { keys: [randomUUID()] },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: account.email_verified !== false, name: account.name };
      },
    };
  },
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
});
provider.proxy = false;

async function spoil(idToken, mode) {
  const payload = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'bad_signature') {
    // Same header and signature, a changed payload: only a signature check notices.
    const [h, , s] = idToken.split('.');
    const changed = Buffer.from(JSON.stringify({ ...payload, email: 'someone.else@example.org' })).toString('base64url');
    return `${h}.${changed}.${s}`;
  }
  if (mode === 'wrong_aud') {
    // The ID token names another client; azp still names ours: the case a client library lets
    // through when it checks only azp against its client id.
    payload.azp = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    payload.aud = 'another-client';
  } else if (mode === 'expired') {
    payload.iat = now - 7200;
    payload.exp = now - 3600;
  } else if (mode === 'wrong_iss') {
    payload.iss = 'http://127.0.0.1:9/other-issuer';
  }
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: header.typ }).sign(privateKey);
}

provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/__test/')) {
    if (ctx.path === '/__test/mode' && ctx.method === 'POST') {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      state.mode = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}').mode || '';
    }
    ctx.type = 'json';
    ctx.body = state;
    return;
  }
  if (ctx.path === '/jwks') state.jwks_requests += 1;
  if (ctx.path.startsWith('/interaction/')) {
    await interaction(ctx);
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.method === 'POST' && state.mode && ctx.body && ctx.body.id_token) {
    const mode = state.mode;
    state.mode = '';
    ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, mode) };
  }
});

async function readForm(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(ctx) {
  const { req, res } = ctx;
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  ctx.respond = true;
  if (prompt.name === 'login') {
    if (ctx.method === 'POST') {
      const form = await readForm(ctx);
      const sub = findByLogin(form.get('login'));
      if (!sub) {
        ctx.type = 'html';
        ctx.body = page('Sign in', `<p role="alert">Unknown account.</p>${loginForm(uid, form.get('login'))}`);
        return;
      }
      const account = accounts[sub];
      const login = { accountId: sub };
      if (account.amr) login.amr = account.amr;
      if (account.acr) login.acr = account.acr;
      ctx.respond = false;
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      return;
    }
    ctx.type = 'html';
    ctx.body = page('Sign in', loginForm(uid, params.login_hint || ''));
    return;
  }
  // consent: everything the client asked for
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  ctx.respond = false;
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function loginForm(uid, hint) {
  return `<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="login">E-mail address</label> <input id="login" name="login" value="${escapeHtml(hint)}">
<button type="submit">Sign in</button></form>`;
}

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider ready on ${config.issuer} kid=${kid}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
