import { backends } from './backends.js';
import { pgliteSeed, postgresTemplate } from './templates.js';

/**
 * Runs once before any test file (vitest `globalSetup`): makes the migrated database templates
 * (templates.ts) so the workers find them ready instead of racing to make them.
 */
export default async function setup(): Promise<void> {
  const list = await backends();
  await Promise.all([pgliteSeed(), list.includes('postgres') ? postgresTemplate() : undefined]);
}
