import { createContext, useContext } from 'react';
import type { AppViewerQuery$data } from './__generated__/AppViewerQuery.graphql';

export type Viewer = NonNullable<AppViewerQuery$data['viewer']>;

export const ViewerContext = createContext<Viewer | null>(null);

/** The signed-in caller and what they may do (the console leaves out what they may not). */
export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside a signed-in page');
  return viewer;
}
