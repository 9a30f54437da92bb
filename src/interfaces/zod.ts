import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Import `z` from here in interfaces: the same schemas validate requests and describe them in OpenAPI.
extendZodWithOpenApi(z);

export { z };
