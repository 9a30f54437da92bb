import { minInsyncReplicasFor } from '../../../../src/infrastructure/kafka/topic-provisioner';

describe('topic provisioning', () => {
  it('when topics have 3 or more replicas, then a write needs 2 of them in sync', () => {
    expect(minInsyncReplicasFor(3)).toBe(2);
    expect(minInsyncReplicasFor(5)).toBe(2);
  });

  it('when topics have fewer than 3 replicas, then one in-sync copy accepts writes', () => {
    expect(minInsyncReplicasFor(1)).toBe(1);
    expect(minInsyncReplicasFor(2)).toBe(1);
  });
});
