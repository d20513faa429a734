// A LibreChat-style login driven only by a rendered .env, read with dotenv as LibreChat reads
// it, against the Authelia stand-in. Written for these tests from LibreChat's documented
// behaviour (FACTS.md), not copied from it.
//
// Usage: node librechat_login.mjs ENV_FILE MODE
//   MODE "basic-unless-told": the client authentication of a LibreChat build that reads
//     OPENID_TOKEN_ENDPOINT_AUTH_METHOD with the default client_secret_basic (HTTP Basic
//     unless the variable says otherwise; an unknown value also falls back to Basic).
//   MODE "library-default": released LibreChat, which passes no client authentication, so
//     openid-client 6 posts the secret (ClientSecretPost).
// Then the user as LibreChat makes it: the ID token's claims merged with the userinfo
// answer, the display name from OPENID_NAME_CLAIM (else given/family name, username, e-mail),
// and the admin role when all three OPENID_ADMIN_ROLE* variables are set.
// Prints one JSON line.
import fs from 'node:fs';
import dotenv from 'dotenv';
import * as client from 'openid-client';

const [envFile, mode] = process.argv.slice(2);
const env = dotenv.parse(fs.readFileSync(envFile));
const out = (value) => console.log(JSON.stringify(value));

function authentication(secret) {
  if (mode === 'library-default') {
    return undefined;
  }
  const method = env.OPENID_TOKEN_ENDPOINT_AUTH_METHOD || 'client_secret_basic';
  if (method === 'client_secret_post') return client.ClientSecretPost(secret);
  if (method === 'none') return client.None();
  return client.ClientSecretBasic(secret);
}

function displayName(user) {
  if (env.OPENID_NAME_CLAIM) return user[env.OPENID_NAME_CLAIM];
  if (user.given_name && user.family_name) return `${user.given_name} ${user.family_name}`;
  return user.given_name || user.family_name || user.username || user.email;
}

function payload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

function at(object, path) {
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), object);
}

function isAdmin(tokens, user) {
  const role = env.OPENID_ADMIN_ROLE;
  const path = env.OPENID_ADMIN_ROLE_PARAMETER_PATH;
  const kind = env.OPENID_ADMIN_ROLE_TOKEN_KIND;
  if (!role || !path || !kind) return null; // not checked at all
  const source = { id: () => payload(tokens.id_token), access: () => payload(tokens.access_token),
                   userinfo: () => user }[kind];
  if (!source) throw new Error(`invalid admin role token kind ${kind}`);
  const value = at(source(), path);
  return value === true || value === role || (Array.isArray(value) && value.includes(role));
}

try {
  const secret = env.OPENID_CLIENT_SECRET;
  const config = await client.discovery(new URL(env.OPENID_ISSUER), env.OPENID_CLIENT_ID,
    { client_secret: secret }, authentication(secret));
  const redirectUri = env.DOMAIN_SERVER + env.OPENID_CALLBACK_URL;
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: env.OPENID_SCOPE, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const answer = await fetch(url, { redirect: 'manual' });
  const tokens = await client.authorizationCodeGrant(config,
    new URL(answer.headers.get('location')), { pkceCodeVerifier: verifier, expectedState: state });
  const claims = tokens.claims();
  const user = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
  out({ ok: true, sub: claims.sub, name: displayName(user), email: user.email,
        admin: isAdmin(tokens, user) });
} catch (error) {
  out({ ok: false, name: error.name, error: error.error ?? null,
        message: String(error.error_description ?? error.message) });
}
