import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { ConversationRepository } from '../../application/ports/conversation-repository';
import { ListConversations } from '../../application/use-cases/list-conversations';
import { MarkConversationRead } from '../../application/use-cases/mark-conversation-read';
import { KyselyConversationRepository } from '../../infrastructure/database/kysely-conversation-repository';
import { KyselyRoomRepository } from '../../infrastructure/database/kysely-room-repository';
import { conversationsController } from '../../interfaces/http/controllers/conversations-controller';
import { TOKENS } from '../tokens';

const local = <T>(name: string) => Symbol.for(`parley.conversations.${name}`) as ServiceIdentifier<T>;
const Conversations = local<ConversationRepository>('ConversationRepository');

/** What the WebSocket gateway resolves from this module: the `read` frame's use case. */
export const CONVERSATION_TASKS = {
  MarkConversationRead: local<MarkConversationRead>('MarkConversationRead'),
};

/** The contract: 20 conversations a page unless asked, at most 100. */
const INBOX_PAGE = { pageSize: 20, maxPageSize: 100 };

/** The inbox: my conversations with their unread counts, and read positions (HTTP here, the `read` frame in the gateway). */
export const conversationsModule = () =>
  new ContainerModule(({ bind }) => {
    bind(Conversations).toDynamicValue((ctx) => new KyselyConversationRepository(ctx.get(TOKENS.Database).db));
    bind(CONVERSATION_TASKS.MarkConversationRead).toDynamicValue(
      (ctx) => new MarkConversationRead(ctx.get(Conversations), new KyselyRoomRepository(ctx.get(TOKENS.Database).db)),
    );
    bind(TOKENS.ApiRouter).toDynamicValue((ctx) =>
      conversationsController({
        listConversations: new ListConversations(ctx.get(Conversations)),
        markConversationRead: ctx.get(CONVERSATION_TASKS.MarkConversationRead),
        page: INBOX_PAGE,
      }),
    );
  });
