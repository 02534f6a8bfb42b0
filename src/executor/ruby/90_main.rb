# frozen_string_literal: true
# The connector DSL runtime, part 4: one run, from the engine's request to its result.
#
# Errors are described with the original methods of Exception and Module (bind_call), under
# `rescue Exception`: connector code may redefine `message`, `class` or `backtrace` on its own
# errors, and must not be able to make the description itself fail or recurse.

module ConnectorSandbox
  EXC_MESSAGE = ::Exception.instance_method(:message)
  EXC_BACKTRACE = ::Exception.instance_method(:backtrace)
  KERNEL_CLASS = ::Kernel.instance_method(:class)
  MODULE_NAME = ::Module.instance_method(:name)
  MODULE_ANCESTORS = ::Module.instance_method(:ancestors)
  KERNEL_IVAR_GET = ::Kernel.instance_method(:instance_variable_get)

  def self.describe(error)
    klass = KERNEL_CLASS.bind_call(error)
    kind = begin
      MODULE_NAME.bind_call(klass) || 'Error'
    rescue ::Exception
      'Error'
    end
    ancestors = begin
      MODULE_ANCESTORS.bind_call(klass)
    rescue ::Exception
      []
    end
    message = begin
      m = EXC_MESSAGE.bind_call(error)
      m.is_a?(::String) ? m.dup.force_encoding(::Encoding::UTF_8).scrub : 'error'
    rescue ::Exception
      '(the error message could not be read)'
    end
    trace = begin
      Array(EXC_BACKTRACE.bind_call(error)).grep(::String)
    rescue ::Exception
      []
    end
    own = trace.select { |l| l.start_with?("#{CONNECTOR_FILE}:") }
    line = own.first && own.first[/\A#{Regexp.escape(CONNECTOR_FILE)}:(\d+)/o, 1]&.to_i
    if line.nil?
      line = begin
        KERNEL_IVAR_GET.bind_call(error, :@__connector_line)
      rescue ::Exception
        nil
      end
    end
    if line.nil? && ancestors.include?(::SyntaxError)
      line = message[/#{Regexp.escape(CONNECTOR_FILE)}:(\d+)/o, 1]&.to_i
    end
    kind = 'NoMemoryError' if ancestors.include?(::NoMemoryError)
    kind = 'SystemStackError' if ancestors.include?(::SystemStackError)
    kind = 'RequestFailed' if ancestors.include?(RequestFailed)
    kind = 'ConnectorError' if ancestors.include?(ConnectorError)
    { 'message' => message[0, 10_000], 'kind' => kind, 'line' => line, 'backtrace' => own.first(20) }
  end

  def self.main
    request = Bridge.call('start')
    runner = Runner.new(request)
    result = begin
      runner.load_connector(request['code'].to_s)
      output = runner.run(request['target'])
      { 'ok' => true, 'output' => output }
    rescue ::Exception => e
      { 'ok' => false, 'error' => describe(e) }
    end
    result['settings'] = runner.settings if runner.settings_changed?
    result['extra'] = runner.extra if runner.respond_to?(:extra) && runner.extra
    $stdout.flush rescue nil
    text = begin
      JSON.generate(result)
    rescue ::Exception => e
      JSON.generate({ 'ok' => false, 'error' => { 'message' => "The output cannot be turned into JSON: #{describe(e)['message']}", 'kind' => 'OutputError' } })
    end
    Bridge::OUT.syswrite("\0BRIDGE{\"op\":\"finish\",\"result\":#{text}}\0")
    Bridge::IN.sysread(1 << 16)
    nil
  end
end
