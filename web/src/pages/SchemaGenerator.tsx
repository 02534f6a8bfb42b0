import { Suspense, useState } from 'react';
import { graphql, type PreloadedQuery, usePreloadedQuery, useQueryLoader } from 'react-relay';
import { ListTable } from '../components/ListTable';
import generateQuery, {
  type ColSep,
  type SampleFormat,
  type SchemaGeneratorQuery,
  type SchemaGeneratorQuery$data,
} from '../__generated__/SchemaGeneratorQuery.graphql';

type Field = NonNullable<SchemaGeneratorQuery$data['generateSchema']['fields']>[number];

/** Fields from a JSON or CSV sample: the query is sent by *Generate schema* (it starts in the
 * submit handler, and the result shows where it was asked for). */
export default function SchemaGeneratorPage() {
  const [sample, setSample] = useState('');
  const [format, setFormat] = useState<SampleFormat>('JSON');
  const [colSep, setColSep] = useState<ColSep>('COMMA');
  const [result, generate] = useQueryLoader<SchemaGeneratorQuery>(generateQuery);
  return (
    <section aria-labelledby="schema-title">
      <h1 id="schema-title">Schema generator</h1>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          generate({ sample, format, colSep }, { fetchPolicy: 'network-only' });
        }}
      >
        <div className="row">
          <label htmlFor="sample-format">Sample format</label>
          <select
            id="sample-format"
            value={format}
            onChange={(e) => setFormat(e.target.value as SampleFormat)}
          >
            <option value="JSON">JSON</option>
            <option value="CSV">CSV</option>
          </select>
          {format === 'CSV' && (
            <>
              <label htmlFor="sample-sep">Separator</label>
              <select
                id="sample-sep"
                value={colSep}
                onChange={(e) => setColSep(e.target.value as ColSep)}
              >
                {['COMMA', 'SEMICOLON', 'TAB', 'PIPE', 'COLON', 'SPACE'].map((s) => (
                  <option key={s} value={s}>
                    {s.toLowerCase()}
                  </option>
                ))}
              </select>
            </>
          )}
          <label htmlFor="sample-file">or upload</label>
          <input
            id="sample-file"
            type="file"
            accept=".json,.csv,.txt,application/json,text/csv"
            onChange={async (e) => setSample((await e.target.files?.[0]?.text()) ?? '')}
          />
        </div>
        <div>
          <label htmlFor="sample-text">Sample</label>
          <textarea
            id="sample-text"
            rows={8}
            className="mono"
            value={sample}
            onChange={(e) => setSample(e.target.value)}
          />
        </div>
        <div>
          <button type="submit" className="primary" disabled={!sample}>
            Generate schema
          </button>
        </div>
      </form>
      {result && (
        <Suspense fallback={<p className="loading">Generating…</p>}>
          <Result queryRef={result} />
        </Suspense>
      )}
    </section>
  );
}

function Result({ queryRef }: { queryRef: PreloadedQuery<SchemaGeneratorQuery> }) {
  const data = usePreloadedQuery<SchemaGeneratorQuery>(
    graphql`
      query SchemaGeneratorQuery($sample: String!, $format: SampleFormat!, $colSep: ColSep!) {
        generateSchema(sample: $sample, format: $format, colSep: $colSep) {
            json
            fields {
              name
              label
              type
              of
              optional
              controlType
              properties {
                name
                label
                type
                of
                optional
                controlType
              }
            }
          userErrors {
            message
            line
            column
          }
        }
      }
    `,
    queryRef,
  );
  const r = data.generateSchema;
  const [copied, setCopied] = useState(false);
  const problem = r.userErrors[0];
  if (problem)
    return (
      <p role="alert" className="error-box">
        {problem.message}
        {problem.line != null
          ? ` (line ${problem.line}${problem.column != null ? `, column ${problem.column}` : ''})`
          : ''}
      </p>
    );
  if (!r.fields) return null;
  const json = JSON.stringify(r.json, null, 2);
  return (
    <>
      <ListTable label="Generated fields" columns={['Name', 'Label', 'Type', 'Optional']}>
        {r.fields.flatMap((f: Field) => [
          <tr key={f.name}>
            <td className="mono">{f.name}</td>
            <td>{f.label}</td>
            <td>
              {f.type === 'ARRAY' && f.of ? `array of ${f.of.toLowerCase()}` : f.type.toLowerCase()}
            </td>
            <td>{f.optional ? 'yes' : 'no'}</td>
          </tr>,
          ...(f.properties ?? []).map((p) => (
            <tr key={`${f.name}.${p.name}`}>
              <td className="mono">
                {f.name}.{p.name}
              </td>
              <td>{p.label}</td>
              <td>
                {p.type === 'ARRAY' && p.of
                  ? `array of ${p.of.toLowerCase()}`
                  : p.type.toLowerCase()}
              </td>
              <td>{p.optional ? 'yes' : 'no'}</td>
            </tr>
          )),
        ])}
      </ListTable>
      <div className="row">
        <button
          type="button"
          onClick={() => void navigator.clipboard?.writeText(json).then(() => setCopied(true))}
        >
          Copy schema
        </button>
        {copied && <span role="status">Copied.</span>}
      </div>
      <pre className="panel" tabIndex={0} aria-label="Schema JSON">
        {json}
      </pre>
    </>
  );
}
