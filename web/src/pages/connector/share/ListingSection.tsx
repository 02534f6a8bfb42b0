import { useState } from 'react';
import { graphql, useFragment, useRelayEnvironment } from 'react-relay';
import type { ListingSection_connector$key } from '../../../__generated__/ListingSection_connector.graphql';
import type { ListingSection_listing$key } from '../../../__generated__/ListingSection_listing.graphql';
import { CatalogAppInput, findCatalogApp } from '../../../components/CatalogAppInput';
import type { OutcomeState } from '../../../components/Outcome';
import { connectorListed, useListConnector } from '../../../mutations/ListConnectorMutation';
import { useUnlistConnector } from '../../../mutations/UnlistConnectorMutation';

/** The community listing: its review status and the reviewer's reason; list, update, unlist. */
export function ListingSection({
  connector,
  canWrite,
  outcome,
}: {
  connector: ListingSection_connector$key;
  canWrite: boolean;
  outcome: OutcomeState;
}) {
  const c = useFragment(
    graphql`
      fragment ListingSection_connector on Connector {
        id
        listing {
          ...ListingSection_listing
        }
      }
    `,
    connector,
  );
  const listing = useFragment<ListingSection_listing$key>(
    graphql`
      fragment ListingSection_listing on Listing {
        id
        status
        reviewReason
        appName
        categories
        preventDirectInstall
        landingPageUrl
      }
    `,
    c.listing,
  );
  const environment = useRelayEnvironment();
  const [appName, setAppName] = useState(listing?.appName ?? '');
  const [categories, setCategories] = useState(listing?.categories.join(', ') ?? '');
  const [prevent, setPrevent] = useState(listing?.preventDirectInstall ?? false);
  const [landing, setLanding] = useState(listing?.landingPageUrl ?? '');
  const [list] = useListConnector();
  const [unlist] = useUnlistConnector();
  const id = c.id;

  return (
    <section aria-labelledby="listing-heading" className="panel">
      <h2 id="listing-heading">Community library</h2>
      {listing ? (
        <p>
          Listing: <strong data-testid="listing-status">{listing.status.toLowerCase()}</strong> ·
          app {listing.appName}
          {listing.categories.length > 0 && ` · ${listing.categories.join(', ')}`}
          {listing.reviewReason && <> · reviewer said: “{listing.reviewReason}”</>}
        </p>
      ) : (
        <p className="muted">Not listed.</p>
      )}
      {canWrite && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void findCatalogApp(environment, appName).then((known) =>
              outcome.run(
                list,
                {
                  input: {
                    id,
                    // A catalog app's name typed in any case is that app.
                    ...(known ? { appId: known.id } : { appName: appName.trim() }),
                    categories: categories
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean),
                    preventDirectInstall: prevent,
                    landingPageUrl: landing || null,
                  },
                },
                (r) => r.listConnector,
                () => 'Listing sent to review.',
                { updater: connectorListed(id) },
              ),
            );
          }}
        >
          <div>
            <label htmlFor="listing-app">App (required; from the catalog, or type a name)</label>
            <CatalogAppInput id="listing-app" value={appName} onChange={setAppName} />
          </div>
          <div>
            <label htmlFor="listing-categories">Categories (required; comma separated)</label>
            {/* At least one category: something other than commas and spaces. */}
            <input
              id="listing-categories"
              required
              aria-required="true"
              pattern=".*[^,\s].*"
              title="At least one category, e.g. Sales, CRM"
              value={categories}
              onChange={(e) => setCategories(e.target.value)}
            />
          </div>
          <div className="row">
            <input
              id="listing-prevent"
              type="checkbox"
              checked={prevent}
              onChange={(e) => setPrevent(e.target.checked)}
            />
            <label htmlFor="listing-prevent">
              Prevent direct install (send people to a landing page)
            </label>
          </div>
          {prevent && (
            <div>
              <label htmlFor="listing-landing">Landing page URL (required)</label>
              <input
                id="listing-landing"
                type="url"
                required
                aria-required="true"
                value={landing}
                onChange={(e) => setLanding(e.target.value)}
              />
            </div>
          )}
          <div className="row">
            <button type="submit">
              {listing ? 'Update listing' : 'List in the community library'}
            </button>
            {listing && (
              <button
                type="button"
                className="danger"
                onClick={() =>
                  outcome.run(
                    unlist,
                    { input: { id } },
                    (r) => r.unlistConnector,
                    () => 'Unlisted.',
                  )
                }
              >
                Unlist
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
