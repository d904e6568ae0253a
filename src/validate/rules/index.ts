/** The GPT Actions rule table: every importer rule of platform-facts.md, in report order. */
import type { Rule } from '../types.js';
import { operationRules } from './operations.js';
import { parameterRules } from './parameters.js';
import { schemaRules } from './schemas.js';
import { securityRules } from './security.js';
import { serverRules } from './servers.js';

export const GPT_ACTIONS_RULES: readonly Rule[] = [...serverRules, ...operationRules, ...parameterRules, ...schemaRules, ...securityRules];
