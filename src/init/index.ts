/** Public API of `gitlab-ha init`: the wizard, its flags, the YAML it writes and where. */
export { runWizard, type WizardOptions, type WizardResult } from './wizard.js';
export type { Prompts, Choice, Validate } from './prompts.js';
export { ANSWER_PATHS, toConfigInput, type AnswerKey, type WizardAnswers } from './answers.js';
export {
  INIT_FLAGS,
  answersFromFlags,
  attributeName,
  flagFor,
  type InitFlag,
  type ParsedFlags,
} from './flags.js';
export {
  createAwsLookup,
  type AwsLookup,
  type AwsLookupOptions,
  type CertificateOption,
  type Lookup,
} from './aws-lookup.js';
export { renderConfigYaml, schemaReference, PACKAGE_SCHEMA_PATH } from './config-yaml.js';
export { renderInitSummary } from './summary.js';
export { checkOutputFile, writeConfigFile, type OutputFileOptions } from './output-file.js';
export { suggestSubnets, type SuggestedSubnets } from './subnets.js';
export { KNOWN_REGIONS, offlineZones } from './regions.js';
