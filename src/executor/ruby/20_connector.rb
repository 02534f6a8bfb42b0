# frozen_string_literal: true
# The connector DSL runtime, part 3: the connector hash, the methods its lambdas call, how each
# kind of target runs, authorization and refresh.

module ConnectorSandbox
  CONNECTOR_FILE = 'connector.rb'
  RETRY_CODES = [429, 500, 502, 503, 504, 507].freeze
  RETRY_METHODS = %w[GET HEAD].freeze

  # `self` of every lambda in the connector hash: the DSL's methods.
  class Context
    def initialize(runner)
      @__runner = runner
    end

    def get(url, params = nil) = @__runner.request('GET', url, params: params)
    def options(url, params = nil) = @__runner.request('OPTIONS', url, params: params)
    def head(url, params = nil) = @__runner.request('HEAD', url, params: params)
    def post(url, payload = nil) = @__runner.request('POST', url, payload: payload)
    def put(url, payload = nil) = @__runner.request('PUT', url, payload: payload)
    def patch(url, payload = nil) = @__runner.request('PATCH', url, payload: payload)
    def delete(url, payload = nil) = @__runner.request('DELETE', url, payload: payload)

    def call(name, *args) = @__runner.call_method(name, *args)

    def error(message)
      ::Kernel.raise ConnectorError, message.to_s
    end

    def parse_json(text) = ConnectorSandbox.indifferent(JSON.parse(text))
    def now = ::Time.now
    def today = ::Date.today
    def uuid = ::SecureRandom.uuid
    def workato = Workato
    def account_property(_name) = nil
    def lookup(*) = nil
    def skip = @__runner.skip!
    def null = nil
    def blank = ''
    def clear = nil
    def rand(*args) = ::Kernel.rand(*args)

    def parallel(*)
      ::Kernel.raise ::NotImplementedError, 'parallel is not supported yet'
    end

    def inspect = '#<connector>'
  end

  # `workato.*` helpers (the must-have part).
  module Workato
    def self.parse_json(text) = ConnectorSandbox.indifferent(JSON.parse(text))
    def self.uuid = SecureRandom.uuid
    def self.random_bytes(n) = SecureRandom.random_bytes(n)
    def self.jwt_encode(*) = raise(NotImplementedError, 'workato.jwt_encode is not supported yet')
  end

  # Lazily evaluated object definitions: `object_definitions['user']` runs that definition's
  # `fields` once and remembers it.
  class ObjectDefinitions
    def initialize(runner, config_fields)
      @runner = runner
      @config_fields = config_fields
      @cache = {}
      @busy = {}
    end

    def [](name)
      key = name.to_s
      return @cache[key] if @cache.key?(key)
      definition = @runner.connector.dig('object_definitions', key)
      ::Kernel.raise ArgumentError, "Cannot find object definition for '#{key}'" unless definition
      ::Kernel.raise ArgumentError, "Infinite recursion occurred in object definition for '#{key}'" if @busy[key]
      @busy[key] = true
      fields = definition['fields']
      @cache[key] = ConnectorSandbox.indifferent(fields.is_a?(::Proc) ? @runner.invoke(fields, @runner.settings, @config_fields, self) : fields)
    ensure
      @busy.delete(key)
    end
    alias fetch []
  end

  class Skip < StandardError; end

  class Runner
    attr_reader :connector, :settings, :request_data

    def initialize(request_data)
      @request_data = request_data
      @settings = ConnectorSandbox.indifferent(request_data['settings'] || {})
      @settings_changed = false
      @context = Context.new(self)
      @in_auth_flow = false
      @refreshes = 0
    end

    def settings_changed? = @settings_changed

    def load_connector(code)
      value = @context.instance_eval(code, CONNECTOR_FILE, 1)
      raise ConnectorError, "The connector code must evaluate to a Hash, not #{value.class}" unless value.is_a?(::Hash)
      @connector = ConnectorSandbox.indifferent(value)
    end

    # Calls a lambda of the connector with its arguments cut (or padded) to what it declares.
    def invoke(block, *args)
      return block unless block.is_a?(::Proc)
      if block.lambda?
        params = block.parameters
        unless params.any? { |type, _| type == :rest }
          positional = params.count { |type, _| type == :req || type == :opt }
          required = params.count { |type, _| type == :req }
          args = args.first(positional)
          args += [nil] * (required - args.length) if args.length < required
        end
      end
      resolve(block.call(*args))
    end

    def call_method(name, *args)
      method = @connector.dig('methods', name.to_s)
      raise ConnectorError, "Method '#{name}' does not exist" unless method
      raise ConnectorError, "Expected lambda for method '#{name}' definition, got: #{method.class}" unless method.is_a?(::Proc)
      invoke(method, *args)
    end

    def skip! = raise(Skip, 'skip')

    # What a lambda returned, with every request in it (at any depth) sent and replaced by its answer.
    def resolve(value, depth = 0)
      raise ConnectorError, 'The value is nested too deeply' if depth > 64
      case value
      when Request then resolve(value.__resolve, depth + 1)
      when ::Hash then value.each_key { |k| value[k] = resolve(value[k], depth + 1) } && value
      when ::Array then value.map! { |v| resolve(v, depth + 1) }
      else value
      end
    end

    def request(method, url, params: nil, payload: nil)
      spec = Spec.new(method: method, url: url.to_s, params: params.nil? ? nil : params.to_h, payload: payload,
                      headers: {}, request_format: :json, response_format: :json, follow_redirects: true,
                      line: caller_locations(1, 40).find { |l| l.path == CONNECTOR_FILE }&.lineno)
      Request.new(self, spec)
    end

    def authorization = @connector.dig('connection', 'authorization') || {}
    def auth_type = authorization['type'].to_s

    def base_uri
      base = @connector.dig('connection', 'base_uri')
      base.is_a?(::Proc) ? invoke(base, @settings).to_s : base&.to_s
    end

    def full_url(spec)
      url = spec.url
      unless url.match?(%r{\A[a-z][a-z0-9+.-]*://}i)
        base = base_uri
        raise ConnectorError, "#{url} is not an absolute URL and connection.base_uri is not set" if base.blank?
        url = URI.join(base.end_with?('/') || url.start_with?('/') ? base : "#{base}/", url).to_s
      end
      query = spec.params.nil? || spec.params.empty? ? nil : spec.params.to_query
      return url unless query
      url.include?('?') ? "#{url}&#{query}" : "#{url}?#{query}"
    end

    def apply_auth(spec)
      return if @in_auth_flow
      apply = authorization['apply'] || authorization['credentials']
      return unless apply.is_a?(::Proc)
      scope = ApplyScope.new(spec, @context)
      args = auth_type == 'oauth2' ? [@settings, @settings['access_token'], auth_type] : [@settings, auth_type]
      params = apply.parameters
      if apply.lambda? && params.none? { |type, _| type == :rest }
        positional = params.count { |type, _| type == :req || type == :opt }
        args = args.first(positional)
        args += [nil] * (params.count { |type, _| type == :req } - args.length)
      end
      scope.instance_exec(*args, &apply)
    end

    # The wire form of one attempt.
    def wire(spec)
      headers = spec.headers.transform_keys(&:to_s)
      body = nil
      if spec.body
        body = spec.body
      elsif !spec.payload.nil? && !%w[GET HEAD OPTIONS].include?(spec.method)
        if spec.request_format == :form
          body = spec.payload.is_a?(::Hash) ? URI.encode_www_form(spec.payload.to_h.map { |k, v| [k.to_s, v.to_s] }) : spec.payload.to_s
          spec.set_header('Content-Type', 'application/x-www-form-urlencoded') unless spec.header?('Content-Type')
        else
          body = JSON.generate(spec.payload)
          spec.set_header('Content-Type', 'application/json') unless spec.header?('Content-Type')
        end
      end
      spec.set_header('Accept', 'application/json') if spec.response_format == :json && !spec.header?('Accept')
      if spec.user || spec.password
        spec.set_header('Authorization', "Basic #{["#{spec.user}:#{spec.password}"].pack('m0')}")
      end
      { 'method' => spec.method, 'url' => full_url(spec), 'headers' => spec.headers.transform_keys(&:to_s),
        'body' => body, 'follow' => spec.follow_redirects != false }
    end

    def parse_body(text, format)
      return text if format == :raw
      return {} if text.nil? || text.strip.empty?
      ConnectorSandbox.indifferent(JSON.parse(text))
    rescue JSON::ParserError
      text
    end

    def detect_on_match?(body)
      patterns = Array(authorization['detect_on'])
      patterns.any? { |p| p.is_a?(::Regexp) ? p.match?(body.to_s) : (p.is_a?(::String) && body.to_s.include?(p)) }
    end

    def refresh_on_match?(error)
      patterns = Array(authorization['refresh_on'])
      return true if patterns.empty?
      patterns.any? do |p|
        case p
        when ::Integer then p == error.status
        when ::Regexp then p.match?(error.message.to_s) || p.match?(error.body.to_s)
        when ::String then error.message.to_s.include?(p) || error.body.to_s.include?(p)
        else false
        end
      end
    end

    def refreshable?
      case auth_type
      when 'oauth2' then authorization['refresh'].is_a?(::Proc) || authorization['token_url'].present? || authorization['acquire'].is_a?(::Proc)
      when 'custom_auth' then authorization['acquire'].is_a?(::Proc)
      else false
      end
    end

    # What acquire/refresh returned, merged into the settings: a Hash of new values; or, from
    # oauth2's acquire, `[tokens, owner_id, other_settings]`; or, from refresh, `[access, refresh]`.
    def merge_settings(new_values)
      updates = case new_values
                when ::Hash then new_values
                when ::Array
                  if new_values[0].is_a?(::Hash)
                    new_values[0].to_h.merge(new_values[2].is_a?(::Hash) ? new_values[2].to_h : {})
                  else
                    { 'access_token' => new_values[0], 'refresh_token' => new_values[1] }.compact
                  end
                else {}
                end
      return if updates.empty?
      @settings.update(updates)
      @settings_changed = true
    end

    # Refreshes the connection's credentials once: oauth2's `refresh` lambda or the token URL's
    # refresh_token grant; custom_auth's `acquire`. The new values are merged into the settings.
    def refresh!
      @refreshes += 1
      raise ConnectorError, 'The credentials were refreshed 3 times in this run; giving up' if @refreshes > 3
      @in_auth_flow = true
      if auth_type == 'oauth2'
        if authorization['refresh'].is_a?(::Proc)
          merge_settings(invoke(authorization['refresh'], @settings, @settings['refresh_token']))
        elsif authorization['token_url'].present?
          token_url = authorization['token_url']
          token_url = invoke(token_url, @settings) if token_url.is_a?(::Proc)
          client_id = authorization['client_id']
          client_id = invoke(client_id, @settings) if client_id.is_a?(::Proc)
          client_secret = authorization['client_secret']
          client_secret = invoke(client_secret, @settings) if client_secret.is_a?(::Proc)
          answer = request('POST', token_url, payload: { grant_type: 'refresh_token', refresh_token: @settings['refresh_token'],
                                                        client_id: client_id, client_secret: client_secret }.compact)
          answer.request_format_www_form_urlencoded
          answer = answer.__resolve
          merge_settings(answer.slice('access_token', 'refresh_token').compact) if answer.is_a?(::Hash)
        else
          merge_settings(invoke(authorization['acquire'], @settings))
        end
      else
        merge_settings(invoke(authorization['acquire'], @settings))
      end
    ensure
      @in_auth_flow = false
    end

    # Sends a request: apply, bridge, detect_on, refresh-and-retry once, after_error_response,
    # after_response.
    def perform(request)
      perform_once(request)
    rescue ::StandardError => e
      # A request runs where it is used, often after its lambda returned: point at the line that built it.
      e.instance_variable_set(:@__connector_line, request.__spec.line) unless e.instance_variable_get(:@__connector_line)
      raise
    end

    def perform_once(request)
      refreshed = false
      begin
        spec = request.__spec.copy
        apply_auth(spec)
        answer = Bridge.call('http', 'request' => wire(spec))
        raise ConnectorError, answer['error'] if answer['error'] && !answer['status']
        status = answer['status']
        body_text = answer['binary'] ? answer['body'].to_s.unpack1('m') : answer['body'].to_s
        headers = ConnectorSandbox.indifferent(answer['headers'] || {})
        if status.between?(200, 299) && !detect_on_match?(body_text)
          body = parse_body(body_text, spec.response_format)
          hook = request.__after_response
          return hook ? invoke(hook, status, body, headers) : body
        end
        reason = status.between?(200, 299) ? 'Authorization error detected' : REASONS[status] || 'Error'
        raise RequestFailed.new("#{status} #{reason}#{body_text.empty? ? '' : ": #{body_text[0, 2000]}"}", status, body_text, headers, spec.method)
      rescue RequestFailed => e
        if !refreshed && !@in_auth_flow && refreshable? && refresh_on_match?(e)
          refreshed = true
          refresh!
          retry
        end
        request.__after_error.each do |matches, handler|
          matched = matches.empty? || matches.any? do |m|
            m.is_a?(::Integer) ? m == e.status : (m.is_a?(::Regexp) ? m.match?(e.message) || m.match?(e.body.to_s) : e.message.include?(m.to_s) || e.body.to_s.include?(m.to_s))
          end
          next unless matched
          return invoke(handler, e.status, parse_body(e.body, spec.response_format), e.headers, e.message)
        end
        raise
      end
    end

    # An action's retries, as the platform does them: only when it declares `retry_on_response`
    # (Integers are status codes, defaulting to 429/500/502/503/504/507 when none is given; other
    # values must match the error's message or body), for requests with a method of
    # `retry_on_request` (default GET and HEAD), at most `max_retries` (≤ 3) times, the whole
    # `execute` again after 5 s, 10 s, 20 s.
    def with_action_retries(action)
      matchers = Array(action['retry_on_response'])
      return yield if matchers.empty?
      codes = matchers.grep(::Integer)
      codes = RETRY_CODES if codes.empty?
      patterns = matchers.reject { |m| m.is_a?(::Integer) }
      methods = Array(action['retry_on_request'].presence || RETRY_METHODS).map { |m| m.to_s.upcase }
      left = (action['max_retries'].is_a?(::Integer) ? action['max_retries'] : 3).clamp(0, 3)
      factor = 1
      begin
        yield
      rescue RequestFailed => e
        retryable = left.positive? && codes.include?(e.status) && methods.include?(e.http_method.to_s.upcase) &&
                    (patterns.empty? || patterns.any? { |m| m === e.message || m === e.body })
        raise unless retryable
        left -= 1
        sleep(@request_data['retryDelaySeconds'].to_f * factor)
        factor *= 2
        retry
      end
    end

    # --- targets ----------------------------------------------------------------------------

    def run(target)
      parts = target.to_s.split('.')
      input = ConnectorSandbox.indifferent(@request_data['input'] || {})
      case parts[0]
      when 'test'
        raise ConnectorError, "The connector has no 'test' lambda" unless @connector['test'].is_a?(::Proc)
        invoke(@connector['test'], @settings)
      when 'actions' then run_action(parts[1], parts[2], input)
      when 'triggers' then run_trigger(parts[1], parts[2], input)
      when 'pick_lists'
        list = @connector.dig('pick_lists', parts[1]) || raise(ConnectorError, "Pick list '#{parts[1]}' does not exist")
        invoke(list, @settings, input)
      when 'methods'
        call_method(parts[1], *ConnectorSandbox.indifferent(@request_data['args'] || []))
      when 'object_definitions'
        raise ConnectorError, "Unknown target #{target}" unless parts[2].nil? || parts[2] == 'fields'
        ObjectDefinitions.new(self, input)[parts[1]]
      when 'connection'
        run_connection(parts, input)
      else
        raise ConnectorError, "Unknown target '#{target}'"
      end
    end

    def run_connection(parts, input)
      case parts[1..].join('.')
      when 'base_uri' then base_uri
      when 'authorization.authorization_url'
        authorization_url(input)
      when 'authorization.acquire'
        @in_auth_flow = true
        if authorization['acquire'].is_a?(::Proc)
          merge_settings(invoke(authorization['acquire'], @settings, input['auth_code'], input['redirect_uri'], input['verifier']))
        elsif auth_type == 'oauth2' && authorization['token_url'].present?
          merge_settings(exchange_code(input['auth_code'], input['redirect_uri']))
        else
          raise ConnectorError, "Expect 'acquire' block (or, for oauth2, a 'token_url')"
        end
        @settings
      when 'authorization.refresh'
        refresh!
        @settings
      else raise ConnectorError, "Unknown target connection.#{parts[1..].join('.')}"
      end
    end

    # An authorization option's value: a lambda called with the connection, or the literal.
    def auth_value(key)
      value = authorization[key]
      value.is_a?(::Proc) ? invoke(value, @settings) : value
    end

    # oauth2's `authorization_url` evaluated with the connection, and the parameters the platform
    # adds when they are absent (`response_type=code`, `client_id`, `redirect_uri`; the caller adds
    # `state`): `{ url, client_id }`.
    def authorization_url(input)
      raise ConnectorError, "connection.authorization.type is #{auth_type.inspect}, not 'oauth2'" unless auth_type == 'oauth2'
      raise ConnectorError, "The connector has no connection.authorization.authorization_url" if authorization['authorization_url'].blank?
      url = auth_value('authorization_url').to_s
      raise ConnectorError, "authorization_url must be an absolute http(s) URL, not #{url[0, 200].inspect}" unless url.match?(%r{\Ahttps?://[^/?#\s]+}i)
      client_id = auth_value('client_id')
      query = URI(url).query.to_s
      present = URI.decode_www_form(query).map(&:first)
      added = { 'response_type' => 'code', 'client_id' => client_id&.to_s, 'redirect_uri' => input['redirect_uri']&.to_s }
              .reject { |k, v| v.blank? || present.include?(k) }
      unless added.empty?
        fragment = url[/#.*\z/m]
        url = url.sub(/#.*\z/m, '')
        url = "#{url}#{url.include?('?') ? (url.end_with?('?', '&') ? '' : '&') : '?'}#{URI.encode_www_form(added)}#{fragment}"
      end
      { 'url' => url, 'client_id' => client_id&.to_s }
    end

    # The authorization-code grant at oauth2's `token_url` (form-encoded, as RFC 6749 asks), for a
    # connector without `acquire`: the tokens of the answer.
    def exchange_code(code, redirect_uri)
      raise ConnectorError, 'No authorization code to exchange' if code.blank?
      answer = request('POST', auth_value('token_url').to_s,
                       payload: { grant_type: 'authorization_code', code: code, redirect_uri: redirect_uri,
                                  client_id: auth_value('client_id'), client_secret: auth_value('client_secret') }.compact)
      answer.request_format_www_form_urlencoded
      answer = answer.__resolve
      raise ConnectorError, 'The token URL answered without an access_token' unless answer.is_a?(::Hash) && answer['access_token'].present?
      answer.slice('access_token', 'refresh_token').compact
    end

    def fields_of(owner, key, config)
      value = owner[key]
      return [] if value.nil?
      ConnectorSandbox.indifferent(value.is_a?(::Proc) ? invoke(value, ObjectDefinitions.new(self, config), @settings, config) : value)
    end

    def run_action(name, step, input)
      action = @connector.dig('actions', name.to_s) || raise(ConnectorError, "Action '#{name}' does not exist")
      case step
      when 'input_fields', 'output_fields' then fields_of(action, step, input)
      when 'execute', nil
        execute = action['execute']
        raise ConnectorError, "'execute' block is required for action" unless execute.is_a?(::Proc)
        eis = step.nil? ? fields_of(action, 'input_fields', input) : (@request_data['extendedInputSchema'] || [])
        eos = step.nil? ? fields_of(action, 'output_fields', input) : (@request_data['extendedOutputSchema'] || [])
        output = with_action_retries(action) { invoke(execute, @settings, input, eis, eos, ConnectorSandbox.indifferent(@request_data['continue'] || {})) }
        @extra = { 'inputFields' => eis, 'outputFields' => eos } if step.nil?
        output
      else
        raise ConnectorError, "Unknown target actions.#{name}.#{step}"
      end
    end

    def extra = @extra

    def run_trigger(name, step, input)
      trigger = @connector.dig('triggers', name.to_s) || raise(ConnectorError, "Trigger '#{name}' does not exist")
      case step
      when 'input_fields', 'output_fields' then fields_of(trigger, step, input)
      when 'poll', 'poll_page' then poll(trigger, input, step == 'poll_page')
      when 'dedup'
        event = @request_data['args']&.first || input
        invoke(trigger['dedup'] || raise(ConnectorError, "Trigger '#{name}' has no 'dedup' lambda"), ConnectorSandbox.indifferent(event))
      when 'webhook_notification'
        hook = trigger['webhook_notification'] || raise(ConnectorError, "Trigger '#{name}' has no 'webhook_notification' lambda")
        invoke(hook, input, ConnectorSandbox.indifferent(@request_data['payload']), [], [],
               ConnectorSandbox.indifferent(@request_data['headers'] || {}), ConnectorSandbox.indifferent(@request_data['params'] || {}),
               @settings, ConnectorSandbox.indifferent(@request_data['subscribeOutput']))
      else
        raise ConnectorError, "Unknown target triggers.#{name}.#{step}"
      end
    end

    MAX_POLL_PAGES = 10

    # Polls like the SDK's exec: page after page while can_poll_more (at most MAX_POLL_PAGES),
    # each page's events reversed, next_poll falling back to the closure it was given.
    def poll(trigger, input, one_page)
      poll = trigger['poll'] || raise(ConnectorError, "The trigger has no 'poll' lambda")
      closure = @request_data['closure']
      closure = ConnectorSandbox.indifferent(closure) if closure.is_a?(::Hash)
      events = []
      pages = 0
      can_poll_more = false
      loop do
        page = ConnectorSandbox.indifferent(invoke(poll, @settings, input, closure, [], []))
        raise ConnectorError, 'Invalid output from trigger poll lambda.' unless page.is_a?(::Hash)
        pages += 1
        events.concat(Array(page['events']).reverse)
        closure = page.key?('next_poll') && !page['next_poll'].nil? ? page['next_poll'] : closure
        can_poll_more = page['can_poll_more'] ? true : false
        break if one_page || !can_poll_more || pages >= MAX_POLL_PAGES
      end
      dedup = trigger['dedup']
      keys = events.map { |e| dedup.is_a?(::Proc) ? invoke(dedup, e).to_s : nil }
      { 'events' => events, 'dedup_keys' => keys, 'next_poll' => closure, 'can_poll_more' => can_poll_more, 'pages' => pages }
    end
  end
end
