import { Component, type ReactNode } from 'react';

/** Shows a failed load in words, with a way to try again, instead of a blank page. */
export class ErrorBoundary extends Component<
  { children: ReactNode; resetKey?: unknown },
  { error: Error | null; key?: unknown }
> {
  state: { error: Error | null; key?: unknown } = { error: null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  static getDerivedStateFromProps(
    props: { resetKey?: unknown },
    state: { error: Error | null; key?: unknown },
  ) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="error-box">
        <p>{this.state.error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
