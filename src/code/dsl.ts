/**
 * The connector DSL as data: which keys each hash may hold and what kind of value each takes.
 * The checker in analyze.ts walks this table; every rule lives here and nowhere else.
 */

/** Value kinds as the platform's messages name them ("Expected string or lambda …"). */
export type Kind = 'string' | 'symbol' | 'lambda' | 'hash' | 'array' | 'boolean' | 'integer';

/** Ruby class of a literal → the kind it satisfies. Classes absent here satisfy no kind. */
export const KIND_OF_CLASS: Readonly<Record<string, Kind>> = {
  String: 'string',
  Symbol: 'symbol',
  Proc: 'lambda',
  Hash: 'hash',
  Array: 'array',
  TrueClass: 'boolean',
  FalseClass: 'boolean',
  Integer: 'integer',
};

/** A hash with known keys. */
export interface Shape {
  type: 'shape';
  /** null: a known key whose value is not checked. */
  keys: Readonly<Record<string, Rule | null>>;
  /**
   * Each entry: at least one of these keys must be present. `why` says what its absence means
   * (worded for warnings: what the platform does without it).
   */
  required?: readonly { anyOf: readonly string[]; severity: 'error' | 'warning'; why?: string }[];
  /** Warn on keys not listed (likely typos); off where the DSL is open-ended or poorly documented. */
  warnUnknownKeys?: boolean;
}

/** A hash of user-named entries (actions, methods, …), each checked against one rule. */
export interface MapOf {
  type: 'map';
  entry: Rule;
  /** How messages name an entry: "in 'search' action". */
  noun?: string;
}

/**
 * A value the documentation gives as `kinds`, which the platform also takes in another form
 * (Ruby classes in `alsoClasses`), e.g. `refresh_on: 401` where an array is documented: the SDK
 * wraps a single value in an array. Those forms are warnings (with `note`), never errors.
 */
export interface Lenient {
  type: 'lenient';
  kinds: readonly Kind[];
  alsoClasses: readonly string[];
  note: string;
}

export type Rule = readonly Kind[] | Shape | MapOf | Lenient;

const lambda = ['lambda'] as const;
const string = ['string'] as const;
const stringOrLambda = ['string', 'lambda'] as const;
const boolean = ['boolean'] as const;
const integer = ['integer'] as const;
const array = ['array'] as const;
const hash = ['hash'] as const;

/** Keys actions and triggers share (UI text, schema, summaries). */
const OPERATION_KEYS = {
  title: string,
  subtitle: string,
  description: stringOrLambda,
  help: ['string', 'lambda', 'hash'],
  display_priority: integer,
  batch: boolean,
  bulk: boolean,
  deprecated: boolean,
  config_fields: array,
  input_fields: lambda,
  output_fields: lambda,
  sample_output: lambda,
  summarize_input: array,
  summarize_output: array,
  streams: { type: 'map', entry: lambda },
} satisfies Record<string, Rule>;

/** The docs mark input/output fields required, but the runtime works without them: warn only. */
const SCHEMA_RECOMMENDED = [
  { anyOf: ['input_fields'], severity: 'warning' },
  { anyOf: ['output_fields'], severity: 'warning' },
] as const;

export const ACTION: Shape = {
  type: 'shape',
  keys: {
    ...OPERATION_KEYS,
    execute: lambda,
    retry_on_response: array,
    retry_on_request: array,
    max_retries: integer,
    before_suspend: lambda,
    before_resume: lambda,
    before_timeout_resume: lambda,
  },
  // The runtime refuses to run an action without execute.
  required: [{ anyOf: ['execute'], severity: 'error' }, ...SCHEMA_RECOMMENDED],
  warnUnknownKeys: true,
};

export const TRIGGER: Shape = {
  type: 'shape',
  keys: {
    ...OPERATION_KEYS,
    poll: lambda,
    dedup: lambda,
    webhook_key: lambda,
    webhook_subscribe: lambda,
    webhook_unsubscribe: lambda,
    webhook_refresh: lambda,
    webhook_notification: lambda,
    webhook_payload_type: string,
    webhook_response_type: string,
    webhook_response_body: string,
    webhook_response_headers: string,
    webhook_response_status: integer,
    // Older connectors declare the polling style here (e.g. type: :paging_desc).
    type: null,
  },
  // A trigger yields events only through poll or webhook_notification. The documentation calls
  // dedup required, but the platform accepts a trigger without it (its SDK calls dedup only when
  // it has one, to drop events already seen): a warning that says so, not a release blocker.
  required: [
    { anyOf: ['poll', 'webhook_notification'], severity: 'error' },
    {
      anyOf: ['dedup'],
      severity: 'warning',
      why: 'without it, repeated events are not de-duplicated (a record seen twice starts the recipe twice)',
    },
    ...SCHEMA_RECOMMENDED,
  ],
  warnUnknownKeys: true,
};

export const OBJECT_DEFINITION: Shape = {
  type: 'shape',
  keys: { fields: lambda },
  required: [{ anyOf: ['fields'], severity: 'error' }],
  warnUnknownKeys: true,
};

const AUTHORIZATION: Shape = {
  type: 'shape',
  keys: {
    type: ['string', 'symbol'],
    client_id: stringOrLambda,
    client_secret: stringOrLambda,
    authorization_url: stringOrLambda,
    token_url: stringOrLambda,
    acquire: lambda,
    apply: lambda,
    refresh: lambda,
    // Documented as an array of status codes, messages or patterns; the SDK wraps a single value.
    refresh_on: {
      type: 'lenient',
      kinds: array,
      alsoClasses: ['Integer', 'String', 'Regexp'],
      note: 'a single value works (the platform wraps it in an array), but write it as an array, e.g. [401]',
    },
    detect_on: array,
    identity: lambda,
    pkce: lambda,
    selected: lambda,
    options: hash,
    noopener: boolean,
  },
};

const CONNECTION: Shape = {
  type: 'shape',
  keys: { fields: array, extended_fields: lambda, authorization: AUTHORIZATION, base_uri: lambda },
};

export const CONNECTOR: Shape = {
  type: 'shape',
  keys: {
    title: string,
    connection: CONNECTION,
    test: lambda,
    custom_action: boolean,
    custom_action_help: hash,
    actions: { type: 'map', entry: ACTION, noun: 'action' },
    triggers: { type: 'map', entry: TRIGGER, noun: 'trigger' },
    object_definitions: { type: 'map', entry: OBJECT_DEFINITION, noun: 'object definition' },
    pick_lists: { type: 'map', entry: lambda },
    methods: { type: 'map', entry: lambda },
    secure_tunnel: boolean,
    webhook_keys: lambda,
    streams: { type: 'map', entry: lambda },
  },
  // The docs require a connection test; the code still loads without one.
  required: [{ anyOf: ['test'], severity: 'warning' }],
  warnUnknownKeys: true,
};
