import * as uws from 'uWebSockets.js';

/**
 * The uWebSockets.js package falls back to a slow `ws` shim, with only a console warning,
 * when its native binary does not load (wrong Node ABI, old glibc). A node must not run on
 * that by accident: the shim lacks what the native module exports, so its absence is the marker.
 */
export function requireNativeUws(): typeof uws {
  if (typeof uws.getParts !== 'function' || typeof uws.SHARED_COMPRESSOR !== 'number') {
    throw new Error(
      'uWebSockets.js did not load its native build (the ws fallback is active): check the Node version (20 x64) and glibc (>= 2.36), and that UWS_USE_FALLBACK is not set',
    );
  }
  return uws;
}
