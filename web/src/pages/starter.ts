// The code a new connector starts from: valid, with one action and one trigger that work against a
// public test API, comments on each part, and a link to the DSL reference.
export const STARTER = `# A connector is one Ruby hash. The DSL reference (every key, with examples):
#   https://docs.workato.com/developing-connectors/sdk/sdk-reference.html
# This starter talks to JSONPlaceholder, a free public test API, so it works as it is:
# replace the URLs and fields with those of your app.
{
  # The name people see. The Title field above fills this in as you type.
  title: 'My connector',

  # How a connection is made: what the user types, and how each request is authorized.
  connection: {
    fields: [
      { name: 'api_key', label: 'API key', control_type: 'password', optional: true }
    ],
    authorization: {
      type: 'api_key',
      apply: lambda do |connection|
        headers('Authorization': "Bearer #{connection['api_key']}") if connection['api_key'].present?
      end
    },
    base_uri: lambda do |connection|
      'https://jsonplaceholder.typicode.com'
    end
  },

  # Called to check a connection: any successful request will do.
  test: lambda do |connection|
    get('/users/1')
  end,

  # Shapes of records, shared by the actions and triggers below.
  object_definitions: {
    post: {
      fields: lambda do |connection, config_fields|
        [
          { name: 'id', type: 'integer' },
          { name: 'userId', type: 'integer' },
          { name: 'title' },
          { name: 'body' }
        ]
      end
    }
  },

  actions: {
    # An action does one thing when a recipe step runs: here, read a post by its ID.
    get_post: {
      title: 'Get post',
      input_fields: lambda do |object_definitions|
        [{ name: 'id', type: 'integer', optional: false }]
      end,
      execute: lambda do |connection, input|
        get("/posts/#{input['id']}")
      end,
      output_fields: lambda do |object_definitions|
        object_definitions['post']
      end
    }
  },

  triggers: {
    # A polling trigger: asked for new records at intervals; dedup tells records apart.
    new_post: {
      title: 'New post',
      input_fields: lambda do |object_definitions|
        []
      end,
      poll: lambda do |connection, input, closure|
        posts = get('/posts', _limit: 10)
        { events: posts, next_poll: nil, can_poll_more: false }
      end,
      dedup: lambda do |post|
        post['id']
      end,
      output_fields: lambda do |object_definitions|
        object_definitions['post']
      end
    }
  }
}
`;

/** The top-level `title: '…'` of connector code (two spaces in, as the starter writes it). */
const TITLE = /^( {2}title:\s*)'((?:[^'\\]|\\.)*)'/m;

const unquote = (s: string) => s.replace(/\\(['\\])/g, '$1');
const quote = (s: string) => s.replace(/[\\']/g, (c) => `\\${c}`);

/** The code's own title, as written (null when it has no simple one). */
export function codeTitle(code: string): string | null {
  const m = TITLE.exec(code);
  return m ? unquote(m[2]) : null;
}

/** The code with its title replaced by `title` (unchanged when it has no simple title line). */
export function withCodeTitle(code: string, title: string): string {
  return code.replace(TITLE, (_all, head: string) => `${head}'${quote(title)}'`);
}
