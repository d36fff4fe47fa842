import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

export default mergeConfig(base, defineConfig({ test: { testTimeout: 90_000, hookTimeout: 120_000 } }));
