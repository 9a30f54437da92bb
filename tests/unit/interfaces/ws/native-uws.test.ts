describe('requireNativeUws', () => {
  const load = () => {
    let module: typeof import('../../../../src/interfaces/ws/native-uws') | undefined;
    jest.isolateModules(() => {
      module = require('../../../../src/interfaces/ws/native-uws');
    });
    return module!;
  };

  afterEach(() => {
    delete process.env.UWS_USE_FALLBACK;
  });

  it('when the native build loads, then it hands back the module', () => {
    expect(typeof load().requireNativeUws().App).toBe('function');
  });

  it('when the package falls back to its ws shim, then it refuses to start', () => {
    process.env.UWS_USE_FALLBACK = '1';
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(() => load().requireNativeUws()).toThrow(/did not load its native build/);
    } finally {
      log.mockRestore();
    }
  });
});
