import { accountsDocs } from './accounts-docs';
import { conversationsDocs } from './conversations-docs';
import { messagingDocs } from './messaging-docs';
import type { DocsRegistrar } from './registry';

/** Every area's part of the OpenAPI document; an area adds its registrar here. */
export const docsRegistrars: DocsRegistrar[] = [accountsDocs, messagingDocs, conversationsDocs];
