// A real OpenID Provider (the certified `oidc-provider` package) for the tests, on the loopback.
//
//   node provider.js PORT JWKS_FILE
//
// Issuer http://127.0.0.1:PORT. It signs access tokens (JWT, RFC 9068) with the private keys of
// JWKS_FILE, which the test writes: starting it again with other keys rotates them. Apps
// register themselves (dynamic client registration) with the `groups` and `name` they stand
// for; the client_credentials grant with a resource indicator gives them a JWT access token
// for that resource (its audience) carrying those claims.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, jwksFile] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));

const provider = new Provider(issuer, {
  jwks,
  clients: [],
  extraClientMetadata: { properties: ['groups', 'name'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    registration: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => ({
        scope: 'api',
        audience: resourceIndicator,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: jwks.keys[0].alg || 'RS256' } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => {
    const client = token.client || ctx.oidc.client;
    const claims = {};
    if (client?.groups) claims.groups = client.groups;
    if (client?.name) claims.name = client.name;
    return claims;
  },
});

provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
