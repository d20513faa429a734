// A full LibreChat-style login with openid-client 6 against the Authelia stand-in:
// discovery -> authorization URL (PKCE S256, state, nonce) -> the stand-in's redirect with a
// code (no browser) -> token exchange (client_secret_post) -> ID token checked.
// Usage: node login.mjs ISSUER CLIENT_ID REDIRECT_URI SCOPE; the secret comes from
// TEST_CLIENT_SECRET. Prints one JSON line.
import * as client from 'openid-client';
import * as jose from 'jose';

const [issuer, clientId, redirectUri, scope] = process.argv.slice(2);
const out = (value) => console.log(JSON.stringify(value));
try {
  const config = await client.discovery(new URL(issuer), clientId,
    process.env.TEST_CLIENT_SECRET);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const answer = await fetch(url, { redirect: 'manual' });
  const location = answer.headers.get('location');
  const tokens = await client.authorizationCodeGrant(config, new URL(location), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  });
  const claims = tokens.claims();
  const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  const { protectedHeader } = await jose.jwtVerify(tokens.id_token, jwks, {
    issuer: config.serverMetadata().issuer, audience: clientId,
  });
  out({ ok: true, sub: claims.sub, alg: protectedHeader.alg, kid: protectedHeader.kid,
        auth_url: url.origin + url.pathname, token_type: tokens.token_type });
} catch (error) {
  out({ ok: false, name: error.name, code: error.code ?? error.cause?.code ?? null,
        error: error.error ?? null, message: String(error.error_description ?? error.message) });
}
