import { parseClientFrame } from '../../../../src/interfaces/ws/frames';

describe('parseClientFrame', () => {
  it('when the frame is a valid send, then it is parsed', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'send', to: { room: 'lobby' }, body: 'hi', clientMessageId: 'c1' }));
    expect(parsed).toEqual({ ok: true, frame: { type: 'send', to: { room: 'lobby' }, body: 'hi', clientMessageId: 'c1' } });
  });

  it('when the frame is a valid resume, then it is parsed', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'resume', since: { 'room:lobby': 3, 'dm:a:b': 0 } }));
    expect(parsed).toEqual({ ok: true, frame: { type: 'resume', since: { 'room:lobby': 3, 'dm:a:b': 0 } } });
  });

  it.each([
    ['{', 'malformed_json'],
    ['', 'malformed_json'],
    ['42', 'unknown_frame'],
    ['null', 'unknown_frame'],
    ['[]', 'unknown_frame'],
    ['{"type":"hello"}', 'unknown_frame'],
    ['{"type":"toString"}', 'unknown_frame'],
    ['{"body":"no type"}', 'unknown_frame'],
    ['{"type":"send","to":{"userId":"u"},"body":"x"}', 'validation_failed'],
    ['{"type":"send","to":{},"body":"x","clientMessageId":"c"}', 'validation_failed'],
    ['{"type":"send","to":{"userId":"u"},"body":7,"clientMessageId":"c"}', 'validation_failed'],
    ['{"type":"send","to":{"userId":"not-a-uuid"},"body":"x","clientMessageId":"c"}', 'validation_failed'],
    ['{"type":"send","to":{"userId":"0190d8d6-0000-7000-8000-000000000000","room":"r"},"body":"x","clientMessageId":"c"}', 'validation_failed'],
    ['{"type":"resume","since":{"c":1.5}}', 'validation_failed'],
    ['{"type":"resume","since":[]}', 'validation_failed'],
    ['{"type":"read","conversationId":"room:a"}', 'validation_failed'],
    ['{"type":"read","conversationId":"room:a","seq":-1}', 'validation_failed'],
    ['{"type":"read","conversationId":"","seq":1}', 'validation_failed'],
  ])('when the frame is %s, then it is refused with %s', (text, code) => {
    expect(parseClientFrame(text)).toMatchObject({ ok: false, code });
  });

  it('when a send is invalid, then the error names the fields and keeps the clientMessageId', () => {
    const parsed = parseClientFrame('{"type":"send","to":{"userId":"0190d8d6-0000-7000-8000-000000000000"},"clientMessageId":"c9"}');
    expect(parsed).toMatchObject({ ok: false, clientMessageId: 'c9', details: { fields: [{ field: 'body', message: expect.any(String) }] } });
  });

  it('when the frame is a valid read, then it is parsed; an invalid one keeps its conversationId for the error frame', () => {
    expect(parseClientFrame('{"type":"read","conversationId":"room:lobby","seq":4}')).toEqual({ ok: true, frame: { type: 'read', conversationId: 'room:lobby', seq: 4 } });
    expect(parseClientFrame('{"type":"read","conversationId":"room:lobby","seq":"4"}')).toMatchObject({
      ok: false,
      code: 'validation_failed',
      conversationId: 'room:lobby',
      details: { fields: [{ field: 'seq', message: expect.any(String) }] },
    });
  });
});
