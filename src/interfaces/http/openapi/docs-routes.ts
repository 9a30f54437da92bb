import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { buildOpenApiDocument, type DocsRegistrar, type DocsSettings } from './registry';

/** GET /openapi.json (generated once from the zod schemas) and Swagger UI at /docs. */
export function docsRoutes(registrars: DocsRegistrar[], settings: DocsSettings): Router {
  const document = buildOpenApiDocument(registrars, settings);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(
    '/docs',
    swaggerUi.serveFiles(undefined, { swaggerOptions: { url: '/openapi.json' } }),
    swaggerUi.setup(undefined, {
      customSiteTitle: 'Parley API',
      // The session cookie is HttpOnly: Swagger UI cannot see it, the browser just sends it along.
      swaggerOptions: { url: '/openapi.json', withCredentials: true, persistAuthorization: false },
    }),
  );
  return router;
}
