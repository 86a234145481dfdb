/** The real HTTP probe: one GET with a short timeout, never following redirects to other hosts. */
import type { HttpProbe } from '../engine/step.js';

const TIMEOUT_MS = 5000;

export const fetchProbe: HttpProbe = async (url) => {
  try {
    const response = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
};
