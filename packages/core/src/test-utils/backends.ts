// The kernel families every core test runs against (DESIGN.md §5: one suite, every backend).
import { jsBackend, type Backend } from '../kernels/index.js';

export const backends: Backend[] = [jsBackend];
