import { z } from 'zod';
import type { Services } from '../../server/context';
import { AppError } from '../../server/errors';
import { parseOrThrow } from '../../server/validation';
import { isMember, markRead, missedMessages, sendMessage } from '../../server/messages/service';
import { MessageIdSchema, SendMessageSchema } from '../../server/messages/schema';
import { conversationRoom } from './hub';
import { answer, viewerOf, type ChannelSocket, type Viewers } from './context';

const ConversationRef = z.strictObject({ conversationId: z.uuid() });
const SendInput = SendMessageSchema.extend({ conversationId: z.uuid() });
const ReadInput = z.strictObject({ conversationId: z.uuid(), lastReadId: MessageIdSchema });
const TypingInput = z.strictObject({ conversationId: z.uuid(), typing: z.boolean() });
const MissedInput = z.strictObject({ sinceId: MessageIdSchema });

/** Messages over the socket: the same services as the REST routes, answered by acknowledgement. */
export function registerConversationHandlers(socket: ChannelSocket, services: Services, viewers: Viewers): void {
  const { log } = services;
  const em = () => services.db.orm.em.fork();

  socket.on('conversation:join', (input, ack) =>
    answer(log, ack, async () => {
      const { conversationId } = parseOrThrow(ConversationRef, input);
      if (!(await isMember(em(), socket.data.userId, conversationId))) throw new AppError('not_found');
      await socket.join(conversationRoom(conversationId));
      return null;
    }),
  );

  socket.on('message:send', (input, ack) =>
    answer(log, ack, async () => {
      const { conversationId, ...body } = parseOrThrow(SendInput, input);
      const { principal } = await viewerOf(viewers, socket);
      return sendMessage(services, em(), principal, conversationId, body);
    }),
  );

  socket.on('message:read', (input, ack) =>
    answer(log, ack, async () => {
      const { conversationId, lastReadId } = parseOrThrow(ReadInput, input);
      const { principal } = await viewerOf(viewers, socket);
      await markRead(services, em(), principal, conversationId, lastReadId);
      return null;
    }),
  );

  // Typing is relayed to the room and never stored; the room is only joined by members, so
  // membership is checked by being in it.
  socket.on('typing', (input) => {
    const parsed = TypingInput.safeParse(input);
    if (!parsed.success) return;
    const room = conversationRoom(parsed.data.conversationId);
    if (!socket.rooms.has(room)) return;
    void viewers
      .get(socket.data.userId)
      .then((viewer) => {
        if (viewer) socket.to(room).emit('typing', { conversationId: parsed.data.conversationId, userId: socket.data.userId, name: viewer.name, typing: parsed.data.typing });
      })
      .catch((err) => log.error({ err }, 'typing relay failed'));
  });

  socket.on('messages:missed', (input, ack) =>
    answer(log, ack, async () => {
      const { sinceId } = parseOrThrow(MissedInput, input);
      const { principal } = await viewerOf(viewers, socket);
      return missedMessages(em(), principal, sinceId);
    }),
  );
}
