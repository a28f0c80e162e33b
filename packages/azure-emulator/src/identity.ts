/**
 * App Service managed-identity token endpoint (what @azure/identity's ManagedIdentityCredential, inside
 * DefaultAzureCredential, calls when IDENTITY_ENDPOINT and IDENTITY_HEADER are set; via @azure/msal-node's
 * AppService source): GET /msi/token?api-version=2019-08-01&resource=<resource>, header X-IDENTITY-HEADER.
 */
import { json, type Route } from './http';
import { IDS } from './ids';
import type { TokenIssuer } from './tokens';

export function identityRoutes(issuer: TokenIssuer, identityHeader: string): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/msi\/token\/?$/,
      handler: (req) => {
        if (req.headers['x-identity-header'] !== identityHeader) {
          return json(401, {
            statusCode: 401,
            message: 'Unauthorized: the X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.',
          });
        }
        const apiVersion = req.url.searchParams.get('api-version');
        if (apiVersion !== '2019-08-01') {
          return json(400, { statusCode: 400, message: `Unsupported api-version '${apiVersion}'; use 2019-08-01.` });
        }
        const resource = req.url.searchParams.get('resource');
        if (!resource) return json(400, { statusCode: 400, message: 'The resource query parameter is required.' });
        const { token, claims } = issuer.issue(resource);
        return json(200, {
          access_token: token,
          expires_on: String(claims.exp),
          resource,
          token_type: 'Bearer',
          client_id: IDS.appClientId,
        });
      },
    },
  ];
}
