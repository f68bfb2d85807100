export { ErrorCode, ErrorNumber, messages } from './codes.js';
export { ElanusError, invalidParam, isElanusError, describe, type SerializedElanusError } from './elanus-error.js';
