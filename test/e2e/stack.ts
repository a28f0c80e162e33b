/** The end-to-end stack (local/stack.ts), with the secret canary the tests check for. */
export { api, CANARY, startStack, waitFor, type ApiResponse, type Stack } from '../../local/stack';
