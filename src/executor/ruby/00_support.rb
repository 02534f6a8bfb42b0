# frozen_string_literal: true
# The connector DSL runtime, part 1: the Ruby idioms connectors expect from ActiveSupport and the
# platform's own extensions (written here from their documented behaviour; the SDK gem cannot load
# in WebAssembly). Loaded into every VM before the connector's code.
require 'json'
require 'time'
require 'date'
require 'uri'
require 'securerandom'

STDOUT.sync = true

module ConnectorSandbox
  # ruby.wasm compiles the `js` extension in; `require 'js'` is refused here. This is the polite
  # layer: code that loads it anyway (Kernel.require, the original method) gets a JS module whose
  # every call to the host is refused by the VM's imports (src/executor/vm-worker.ts), which stops
  # the run from outside Ruby.
  module NoJavaScript
    private

    def require(name)
      if name.to_s.match?(%r{\A(?:js|js\.so|js/.*)\z})
        raise ::LoadError, "cannot load such file -- #{name} (JavaScript is not available to connector code)"
      end
      super
    end
  end
end
::Kernel.prepend(ConnectorSandbox::NoJavaScript)

module ConnectorSandbox
  # Hash access by String or Symbol alike (`connection['key']` and `input[:key]`), keys stored as
  # Strings, nested Hashes converted on the way in.
  class IndifferentHash < ::Hash
    def self.[](*args)
      new.update(::Hash[*args])
    end

    def initialize(source = nil, &block)
      super(&block)
      update(source) if source.is_a?(::Hash)
    end

    def self.convert_value(value)
      case value
      when IndifferentHash then value
      when ::Hash then IndifferentHash.new(value)
      when ::Array then value.map { |v| convert_value(v) }
      else value
      end
    end

    def convert_key(key) = key.is_a?(::Symbol) ? key.name : key

    def [](key) = super(convert_key(key))
    def []=(key, value)
      super(convert_key(key), IndifferentHash.convert_value(value))
    end
    alias store []=
    def fetch(key, *rest, &block) = super(convert_key(key), *rest, &block)
    def key?(key) = super(convert_key(key))
    alias has_key? key?
    alias include? key?
    alias member? key?
    def delete(key, &block) = super(convert_key(key), &block)
    def dig(key, *rest) = super(convert_key(key), *rest.map { |k| k.is_a?(::Symbol) ? k.name : k })
    def values_at(*keys) = super(*keys.map { |k| convert_key(k) })
    def fetch_values(*keys, &block) = super(*keys.map { |k| convert_key(k) }, &block)
    def slice(*keys) = IndifferentHash.new(super(*keys.map { |k| convert_key(k) }))
    def except(*keys) = IndifferentHash.new(super(*keys.map { |k| convert_key(k) }))
    def update(*others)
      others.each { |other| other.each_pair { |k, v| self[k] = v } }
      self
    end
    alias merge! update
    def merge(*others, &block)
      return dup.update(*others) unless block
      copy = dup
      others.each { |o| o.each_pair { |k, v| ck = convert_key(k); copy[ck] = copy.key?(ck) ? block.call(ck, copy[ck], v) : v } }
      copy
    end
    def reverse_merge(other) = IndifferentHash.new(other).update(self)
    def dup = IndifferentHash.new(self)
    def select(&block) = block ? IndifferentHash.new(super) : super
    def reject(&block) = block ? IndifferentHash.new(super) : super
    def transform_values(&block) = block ? IndifferentHash.new(super) : super
    def compact = IndifferentHash.new(super)
    def to_hash = ::Hash[self]
    def with_indifferent_access = self
    def symbolize_keys = to_hash.transform_keys { |k| k.respond_to?(:to_sym) ? k.to_sym : k }
    def stringify_keys = dup
  end

  # `2.days`, `3.hours.ago`, `1.week.from_now`.
  class Duration
    attr_reader :seconds
    def initialize(seconds) = @seconds = seconds
    def ago(from = ::Time.now) = from - seconds
    alias before ago
    def from_now(from = ::Time.now) = from + seconds
    alias since from_now
    alias after from_now
    def to_i = seconds.to_i
    def to_f = seconds.to_f
    def +(other) = Duration.new(seconds + (other.is_a?(Duration) ? other.seconds : other))
    def -(other) = Duration.new(seconds - (other.is_a?(Duration) ? other.seconds : other))
    def *(other) = Duration.new(seconds * other)
    def coerce(other) = [Duration.new(other), self]
    def <=>(other) = seconds <=> (other.is_a?(Duration) ? other.seconds : other)
    include ::Comparable
    def inspect = "#{seconds} seconds"
    def to_s = seconds.to_s
  end
end

HashWithIndifferentAccess = ConnectorSandbox::IndifferentHash
module ActiveSupport
  HashWithIndifferentAccess = ConnectorSandbox::IndifferentHash
  Duration = ConnectorSandbox::Duration
end

class Object
  def blank? = respond_to?(:empty?) ? !!empty? : !self
  def present? = !blank?
  def presence = present? ? self : nil
  def try(name = nil, *args, &block)
    return yield(self) if name.nil? && block
    respond_to?(name) ? public_send(name, *args, &block) : nil
  end
  def in?(collection) = collection.include?(self)
  def to_param = to_s
  def to_query(key) = "#{URI.encode_www_form_component(key.to_s)}=#{URI.encode_www_form_component(to_param.to_s)}"
  def deep_dup = (dup rescue self)
end

class NilClass
  def blank? = true
  def try(*) = nil
  def to_param = self
end

class FalseClass
  def blank? = true
  def to_param = self
end

class TrueClass
  def blank? = false
  def to_param = self
end

class Numeric
  def blank? = false
  def seconds = ConnectorSandbox::Duration.new(self)
  alias second seconds
  def minutes = ConnectorSandbox::Duration.new(self * 60)
  alias minute minutes
  def hours = ConnectorSandbox::Duration.new(self * 3600)
  alias hour hours
  def days = ConnectorSandbox::Duration.new(self * 86_400)
  alias day days
  def weeks = ConnectorSandbox::Duration.new(self * 604_800)
  alias week weeks
  def months = ConnectorSandbox::Duration.new(self * 2_592_000)
  alias month months
  def years = ConnectorSandbox::Duration.new(self * 31_557_600)
  alias year years
end

class Time
  def to_json(*args) = iso8601.to_json(*args)
  def to_time = self
  def beginning_of_day = Time.new(year, month, day, 0, 0, 0, utc_offset)
  def end_of_day = Time.new(year, month, day, 23, 59, 59, utc_offset)
  def to_param = iso8601
end

class Date
  def to_json(*args) = iso8601.to_json(*args)
  def ago_days(n) = self - n
  def to_param = iso8601
end

class DateTime
  def to_json(*args) = iso8601.to_json(*args)
end

class String
  def blank? = strip.empty?
  def to_time(*) = Time.parse(self)
  def to_date(*) = Date.parse(self)
  def to_datetime = DateTime.parse(self)
  def encode_base64 = [self].pack('m0')
  def decode_base64 = unpack1('m')
  def encode_urlsafe_base64 = [self].pack('m0').tr('+/', '-_')
  def decode_urlsafe_base64 = tr('-_', '+/').unpack1('m')
  def encode_url = URI.encode_www_form_component(self)
  def decode_url = URI.decode_www_form_component(self)
  def hmac_sha256(key) = ConnectorSandbox::Crypto.hmac('SHA256', key, self)
  def hmac_sha1(key) = ConnectorSandbox::Crypto.hmac('SHA1', key, self)
  def hmac_sha512(key) = ConnectorSandbox::Crypto.hmac('SHA512', key, self)
  def hmac_md5(key) = ConnectorSandbox::Crypto.hmac('MD5', key, self)
  def sha1 = ConnectorSandbox::Crypto.digest('SHA1', self)
  def sha256 = ConnectorSandbox::Crypto.digest('SHA256', self)
  def sha512 = ConnectorSandbox::Crypto.digest('SHA512', self)
  def md5_hexdigest = ConnectorSandbox::Crypto.digest('MD5', self).unpack1('H*')
  def to_hex = unpack1('H*')
  def labelize = tr('_', ' ').sub(/\A\s+/, '').then { |s| s[0] ? s[0].upcase + s[1..] : s }
  def humanize = labelize
  def titleize = split(/[\s_]+/).map(&:capitalize).join(' ')
  def strip_tags = gsub(/<[^>]*>/, '')
  def is_true? = %w[true yes 1 t y].include?(downcase)
  def is_not_true? = !is_true?
  def to_param = self
  def starts_with?(*p) = start_with?(*p)
  def ends_with?(*p) = end_with?(*p)
  def squish = strip.gsub(/\s+/, ' ')
  def truncate(n, omission: '...') = length > n ? self[0, n - omission.length] + omission : self
end

class Symbol
  def to_param = to_s
end

class Array
  def to_param = collect(&:to_param).join('/')
  def to_query(key)
    prefix = "#{key}[]"
    empty? ? nil.to_query(prefix) : collect { |v| v.to_query(prefix) }.join('&')
  end

  # `item[key]` for a Hash whether it keys by String or Symbol.
  def self.fetch_either(item, key)
    return nil unless item.is_a?(::Hash)
    return item[key] if item.key?(key)
    alt = key.is_a?(::Symbol) ? key.name : (key.is_a?(::String) ? key.to_sym : key)
    item[alt]
  end

  def pluck(*keys)
    if keys.length == 1
      map { |item| Array.fetch_either(item, keys.first) }
    else
      map { |item| keys.map { |k| Array.fetch_either(item, k) } }
    end
  end

  def where(conditions)
    select do |item|
      conditions.all? do |k, v|
        actual = Array.fetch_either(item, k)
        v.is_a?(Array) ? v.include?(actual) : (v.is_a?(Regexp) ? v.match?(actual.to_s) : actual == v)
      end
    end
  end

  def format_map(template) = map { |item| item.is_a?(Array) ? format(template, *item) : format(template, **item.to_h.transform_keys(&:to_sym)) }
  def smart_join(sep = ',') = reject(&:blank?).map { |v| v.to_s.strip }.join(sep)
  # On a list of schema fields: keep the fields named, drop them, or mark them required.
  def only(*names) = select { |field| names.map(&:to_s).include?(Array.fetch_either(field, 'name').to_s) }
  def ignored(*names) = reject { |field| names.map(&:to_s).include?(Array.fetch_either(field, 'name').to_s) }
  def required(*names)
    map do |field|
      next field unless field.is_a?(Hash) && names.map(&:to_s).include?(Array.fetch_either(field, 'name').to_s)
      field.merge(field.key?(:optional) ? { optional: false } : { 'optional' => false })
    end
  end
  def to_json_hash = self
  def second = self[1]
  def third = self[2]
  def exclude?(v) = !include?(v)
end

class Hash
  def with_indifferent_access = ConnectorSandbox::IndifferentHash.new(self)
  def to_query(namespace = nil)
    collect { |key, value| value.to_query(namespace ? "#{namespace}[#{key}]" : key) }.compact.join('&')
  end
  alias to_param to_query
  def encode_www_form = URI.encode_www_form(self)
  def symbolize_keys = transform_keys { |k| k.respond_to?(:to_sym) ? k.to_sym : k }
  def stringify_keys = transform_keys(&:to_s)
  def deep_symbolize_keys = symbolize_keys.transform_values { |v| v.is_a?(Hash) ? v.deep_symbolize_keys : v }
  def deep_stringify_keys = stringify_keys.transform_values { |v| v.is_a?(Hash) ? v.deep_stringify_keys : v }
  def reverse_merge(other) = other.merge(self)
  def deep_merge(other)
    merge(other) { |_, a, b| a.is_a?(Hash) && b.is_a?(Hash) ? a.deep_merge(b) : b }
  end
  def exclude?(k) = !key?(k)
end

module ConnectorSandbox
  # Digests and HMACs (OpenSSL loads on first use: it costs boot time every VM would pay).
  module Crypto
    def self.load
      require 'openssl' unless defined?(::OpenSSL)
    end

    def self.hmac(algorithm, key, data)
      load
      OpenSSL::HMAC.digest(algorithm, key.to_s, data.to_s)
    end

    def self.digest(algorithm, data)
      load
      OpenSSL::Digest.new(algorithm).digest(data.to_s)
    end
  end

  def self.indifferent(value) = IndifferentHash.convert_value(value)
end
