# frozen_string_literal: true
# The connector DSL runtime, part 2: the bridge to the engine and lazy HTTP requests.

module ConnectorSandbox
  # The only way out of the VM: a frame on descriptor 2, the answer read from descriptor 0
  # (src/executor/vm-worker.ts). The engine decides what each call may do.
  module Bridge
    OUT = STDERR
    IN = STDIN

    def self.call(op, payload = {})
      OUT.syswrite("\0BRIDGE#{JSON.generate(payload.merge('op' => op))}\0")
      line = +''
      until line.end_with?("\n")
        chunk = IN.sysread(1 << 20)
        line << chunk
      end
      JSON.parse(line.force_encoding(Encoding::UTF_8))
    end
  end

  # Raised for a non-2xx answer (or a detect_on match) that nothing handled.
  class RequestFailed < ::StandardError
    attr_reader :status, :body, :headers, :http_method
    def initialize(message, status = nil, body = nil, headers = nil, method = nil)
      super(message)
      @status = status
      @body = body
      @headers = headers
      @http_method = method
    end
  end

  # `error('...')` from connector code.
  class ConnectorError < ::StandardError; end

  REASONS = { 200 => 'OK', 201 => 'Created', 202 => 'Accepted', 204 => 'No Content', 301 => 'Moved Permanently', 302 => 'Found',
              304 => 'Not Modified', 400 => 'Bad Request', 401 => 'Unauthorized', 402 => 'Payment Required', 403 => 'Forbidden',
              404 => 'Not Found', 405 => 'Method Not Allowed', 409 => 'Conflict', 410 => 'Gone', 422 => 'Unprocessable Entity',
              429 => 'Too Many Requests', 500 => 'Internal Server Error', 502 => 'Bad Gateway', 503 => 'Service Unavailable',
              504 => 'Gateway Timeout', 507 => 'Insufficient Storage' }.freeze

  # What a request asks for, copied for each attempt so that `apply` starts from it every time.
  Spec = Struct.new(:method, :url, :params, :payload, :headers, :user, :password, :request_format, :response_format,
                    :body, :follow_redirects, :line, keyword_init: true) do
    def copy
      Spec.new(**to_h.transform_values { |v| v.is_a?(::Hash) || v.is_a?(::Array) ? Marshal.load(Marshal.dump(v)) : v })
    end

    def set_header(name, value)
      existing = headers.keys.find { |k| k.to_s.casecmp?(name.to_s) }
      headers.delete(existing) if existing
      headers[name.to_s] = value.to_s
    end

    def header?(name) = headers.keys.any? { |k| k.to_s.casecmp?(name.to_s) }
  end

  # The chain methods, shared by a Request and by the scope `apply` runs in.
  module ChainMethods
    def params(hash = nil)
      __spec.params = (__spec.params || {}).merge(hash.to_h) if hash
      self
    end

    def payload(hash = nil, &block)
      hash = block.call if block
      if hash.is_a?(::Hash) && (__spec.payload.nil? || __spec.payload.is_a?(::Hash))
        __spec.payload = (__spec.payload || {}).merge(hash.to_h)
      elsif !hash.nil?
        __spec.payload = hash
      end
      self
    end

    def headers(hash = nil)
      hash&.each { |k, v| __spec.set_header(k, v) }
      self
    end

    def case_sensitive_headers(hash = nil) = headers(hash)

    def user(value)
      __spec.user = value
      self
    end

    def password(value)
      __spec.password = value
      self
    end

    def request_format_json
      __spec.request_format = :json
      self
    end

    def request_format_www_form_urlencoded
      __spec.request_format = :form
      self
    end

    def request_format_multipart_form
      ::Kernel.raise ::NotImplementedError, 'request_format_multipart_form is not supported yet'
    end

    def request_format_xml(*)
      ::Kernel.raise ::NotImplementedError, 'request_format_xml is not supported yet'
    end

    def request_body(body)
      __spec.body = body.to_s
      self
    end

    def response_format_json
      __spec.response_format = :json
      self
    end

    def response_format_raw
      __spec.response_format = :raw
      self
    end

    def response_format_xml
      ::Kernel.raise ::NotImplementedError, 'response_format_xml is not supported yet'
    end

    def format_json
      request_format_json
      response_format_json
    end

    def format_xml(*)
      ::Kernel.raise ::NotImplementedError, 'format_xml is not supported yet'
    end

    def follow_redirection
      __spec.follow_redirects = true
      self
    end

    def ignore_redirection
      __spec.follow_redirects = false
      self
    end

    def digest_auth(*)
      ::Kernel.raise ::NotImplementedError, 'digest_auth is not supported yet'
    end

    def tls_client_cert(*)
      ::Kernel.raise ::NotImplementedError, 'tls_client_cert is not supported yet'
    end

    def tls_server_certs(*)
      ::Kernel.raise ::NotImplementedError, 'tls_server_certs is not supported yet'
    end
  end

  # A request as connector code sees it: built by `get`/`post`…, changed by chain methods, sent
  # on the first other method called on it (or when the runtime resolves what a lambda returned),
  # and answered from memory afterwards. A BasicObject, so that `is_a?`, `[]`, `to_s`, `==` and
  # the rest reach the response.
  class Request < ::BasicObject
    include ChainMethods

    def initialize(runner, spec)
      @runner = runner
      @spec = spec
      @done = false
      @response = nil
      @after_response = nil
      @after_error = []
    end

    def __spec = @spec

    def after_response(&block)
      @after_response = block
      self
    end

    def after_error_response(*matches, &block)
      @after_error << [matches, block]
      self
    end

    def __after_response = @after_response
    def __after_error = @after_error

    def __resolve
      unless @done
        @response = @runner.perform(self)
        @done = true
      end
      @response
    end

    def method_missing(name, *args, &block)
      __resolve.__send__(name, *args, &block)
    end

    def respond_to_missing?(name, include_private = false) = __resolve.respond_to?(name, include_private)
    def respond_to?(name, include_private = false) = ChainMethods.method_defined?(name) || __resolve.respond_to?(name, include_private)
    def ==(other) = __resolve == other
    def !=(other) = __resolve != other
    def ! = !__resolve
    def to_json(*args) = __resolve.to_json(*args)
  end

  # `self` while `authorization.apply` runs: the chain methods change the request being sent,
  # anything else is the connector's (call, puts…).
  class ApplyScope
    include ChainMethods

    def initialize(spec, context)
      @spec = spec
      @context = context
    end

    def __spec = @spec
    def method_missing(name, *args, &block) = @context.__send__(name, *args, &block)
    def respond_to_missing?(name, include_private = false) = @context.respond_to?(name, include_private)
  end
end
