import { z } from 'zod';

/** A MITRE CWE id, as every finding and security event names its weakness. */
export const CweSchema = z.string().regex(/^CWE-\d+$/, 'a CWE id looks like CWE-78');
