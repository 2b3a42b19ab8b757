export { createSecretBox, generateKeyringSpec, parseKeyring, SecretDecryptError, type SecretBox } from './secret-box';
