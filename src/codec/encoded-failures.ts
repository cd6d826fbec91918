import { DefaultFailureConverter } from '@temporalio/common';

/**
 * With the codec on, failure messages and stack traces travel as payloads too (they can quote
 * code), so the codec encrypts them. Loaded by path: workers bundle it into workflow code.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
