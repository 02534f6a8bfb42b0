/** Builds large, valid connectors for size tests: `actions` actions and `triggers` polling triggers. */
export function generateConnector(opts: { actions: number; triggers: number }): string {
  const action = (i: number) => `    action_${i}: {
      title: 'Action ${i}',
      subtitle: 'Does thing ${i} — café ☕',
      description: lambda do |input, picklist_label|
        "Run <span class='provider'>thing ${i}</span> in <span class='provider'>Acme</span>"
      end,
      help: 'Runs thing ${i}.',
      display_priority: ${i % 10},
      config_fields: [{ name: 'object', control_type: 'select', pick_list: 'objects', optional: false }],
      input_fields: lambda do |object_definitions, connection, config_fields|
        object_definitions['record'].concat([
          { name: 'limit', type: 'integer', optional: true, hint: 'At most 100' },
          { name: 'since', type: 'date_time', optional: true }
        ])
      end,
      execute: lambda do |connection, input, eis, eos|
        response = get("/api/things/${i}", input.except('object'))
          .after_error_response(/.*/) { |code, body, _h, msg| error("#{code}: #{body}") }
        { records: response['data'] || [], count: (response['data'] || []).size }
      end,
      output_fields: lambda do |object_definitions|
        [{ name: 'records', type: 'array', of: 'object', properties: object_definitions['record'] },
         { name: 'count', type: 'integer' }]
      end,
      sample_output: lambda do |connection, input|
        { records: [get('/api/things/${i}', limit: 1)['data']&.first].compact, count: 1 }
      end
    },`;
  const trigger = (i: number) => `    trigger_${i}: {
      title: 'New thing ${i}',
      input_fields: lambda do |object_definitions|
        [{ name: 'since', type: 'timestamp', optional: true }]
      end,
      poll: lambda do |connection, input, closure|
        since = closure || input['since'] || 1.hour.ago.iso8601
        rows = get('/api/things/${i}', updated_since: since)['data'] || []
        { events: rows, next_poll: rows.last&.dig('updated_at') || since, can_poll_more: rows.size >= 100 }
      end,
      dedup: lambda do |record|
        "#{record['id']}@#{record['updated_at']}"
      end,
      output_fields: lambda do |object_definitions|
        object_definitions['record']
      end
    },`;
  const list = (n: number, f: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => f(i)).join('\n');
  return `{
  title: 'Generated',
  connection: {
    fields: [{ name: 'api_key', control_type: 'password', optional: false }],
    authorization: {
      type: 'api_key',
      apply: lambda do |connection|
        headers('X-Api-Key': connection['api_key'])
      end
    },
    base_uri: lambda do |connection|
      'https://api.acme.test'
    end
  },
  test: lambda do |connection|
    get('/api/me')
  end,
  object_definitions: {
    record: {
      fields: lambda do |connection, config_fields|
        [{ name: 'id', type: 'integer' }, { name: 'name' }, { name: 'updated_at', type: 'date_time' }]
      end
    }
  },
  pick_lists: {
    objects: lambda do |connection|
      [%w[Thing thing], %w[Other other]]
    end
  },
  actions: {
${list(opts.actions, action)}
  },
  triggers: {
${list(opts.triggers, trigger)}
  }
}
`;
}
