import { checkRoomName } from '../../../src/domain/room';

describe('room names', () => {
  it('when made of letters, digits, _ and - up to 64, then they are accepted as given', () => {
    expect(checkRoomName('Team_A-1')).toBe('Team_A-1');
    expect(checkRoomName('x'.repeat(64))).toBe('x'.repeat(64));
  });

  it.each(['', 'x'.repeat(65), 'with space', 'dot.name', 'café', 'a/b', 'tab\t'])('when the name is %j, then validation_failed names the field', (name) => {
    expect(() => checkRoomName(name)).toThrow(expect.objectContaining({ code: 'validation_failed', details: { fields: [expect.objectContaining({ field: 'name' })] } }));
  });
});
