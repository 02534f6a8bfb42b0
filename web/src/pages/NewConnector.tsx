import { useState, type FormEvent } from 'react';
import { graphql, useMutation } from 'react-relay';
import { useLocation } from 'wouter';
import type { NewConnectorMutation } from '../__generated__/NewConnectorMutation.graphql';
import { CodeEditor } from '../components/lazy';
import { UserErrors, type UserError } from '../components/UserErrors';
import { refusal } from '../format';
import { readAsDataUrl } from '../logo';
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
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [note, setNote] = useState('');
  const [code, setCode] = useState(STARTER);
  const [logo, setLogo] = useState<string | null>(null);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [commit, saving] = useMutation<NewConnectorMutation>(graphql`
    mutation NewConnectorMutation($input: CreateConnectorInput!) {
      createConnector(input: $input) {
        __typename
        connector {
            id
          }
        userErrors { code message field detail latestVersion }
      }
    }
  `);
  if (!viewer.canWrite) return <p>Your role cannot create connectors.</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors([]);
    commit({
      variables: { input: { title, code, description: description || null, note: note || null, logo } },
      onCompleted: ({ createConnector: r }) => {
        const refused = refusal(r);
        if (refused) return setErrors([refused]);
        if (r.connector) navigate(`/connectors/${encodeURIComponent(r.connector!.id)}`);
      },
      onError: (err) => setErrors([{ message: err.message }]),
    });
  };

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New connector</h1>
      <form className="stack" onSubmit={submit}>
        <div>
          <label htmlFor="title">Title</label>
          <input id="title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div>
          <label htmlFor="logo">Logo (PNG, JPEG, GIF or WebP, at most 512 KB)</label>
          <input
            id="logo"
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              setLogo(file ? await readAsDataUrl(file) : null);
            }}
          />
          {logo && <img src={logo} alt="Logo preview" width={48} height={48} className="logo" />}
        </div>
        <div>
          <label htmlFor="description">Description (Markdown)</label>
          <textarea id="description" rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
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
        <UserErrors errors={errors} />
        <div className="row">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Creating…' : 'Create connector'}
          </button>
        </div>
      </form>
    </section>
  );
}
