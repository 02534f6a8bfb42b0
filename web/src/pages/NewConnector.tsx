import { useState, type FormEvent } from 'react';
import { graphql, useMutation } from 'react-relay';
import { useLocation } from 'wouter';
import type { NewConnectorMutation } from '../__generated__/NewConnectorMutation.graphql';
import { CodeEditor } from '../components/lazy';
import { ConnectorFields, emptyDetails } from '../components/ConnectorFields';
import { Outcome, useOutcome } from '../components/Outcome';
import { useViewer } from '../viewer';

const STARTER = `{
  title: 'My connector',

  connection: {
    fields: [
      { name: 'api_key', control_type: 'password', optional: false }
    ],
    authorization: {
      type: 'custom_auth',
      apply: lambda do |connection|
        headers('Authorization': "Bearer #{connection['api_key']}")
      end
    }
  },

  test: lambda do |connection|
    get('https://api.example.com/me')
  end,

  actions: {},
  triggers: {}
}
`;

export default function NewConnectorPage() {
  const viewer = useViewer();
  const [, navigate] = useLocation();
  const [details, setDetails] = useState(emptyDetails);
  const [note, setNote] = useState('');
  const [code, setCode] = useState(STARTER);
  const outcome = useOutcome();
  const [commit, saving] = useMutation<NewConnectorMutation>(graphql`
    mutation NewConnectorMutation($input: CreateConnectorInput!) {
      createConnector(input: $input) {
        __typename
        connector {
          id
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  if (!viewer.canWrite) return <p>Your role cannot create connectors.</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { title, description, logo } = details;
    outcome.run(
      commit,
      { input: { title, code, description: description || null, note: note || null, logo } },
      (r) => r.createConnector,
      (r) => void (r.connector && navigate(`/connectors/${encodeURIComponent(r.connector.id)}`)),
    );
  };

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New connector</h1>
      <form className="stack" onSubmit={submit}>
        <ConnectorFields value={details} onChange={setDetails} />
        <div>
          <label htmlFor="note">Version note</label>
          <input id="note" value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div>
          <span id="code-label" className="label">
            <strong>Code</strong> (Ruby)
          </span>
          <CodeEditor value={code} onChange={setCode} label="Connector code" />
        </div>
        <Outcome {...outcome} />
        <div className="row">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Creating…' : 'Create connector'}
          </button>
        </div>
      </form>
    </section>
  );
}
