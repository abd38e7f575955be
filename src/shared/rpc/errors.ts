/** JSON-RPC error codes used on the bus (standard ones plus a few of ours in the server range). */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
/** The handler threw; `data.code` carries the DuctorError code when there is one. */
export const RPC_HANDLER_ERROR = -32000;
/** The target process is not running (or not ready) and the call could not be delivered. */
export const RPC_TARGET_UNAVAILABLE = -32001;
/** No reply within the deadline. */
export const RPC_TIMEOUT = -32003;
/** The peer went away (its channel closed) before replying. */
export const RPC_CLOSED = -32004;
/** A result that does not match the contract. */
export const RPC_BAD_RESULT = -32005;
