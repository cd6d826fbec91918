import { MockActivityEnvironment } from '@temporalio/testing';

/** Runs an activity function directly, inside the SDK's activity context (heartbeats and all). */
export function inActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment().run(fn, ...args);
}
