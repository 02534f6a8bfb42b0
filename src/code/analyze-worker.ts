/** Worker-thread entry: analyses one piece of connector code off the main event loop. */
import { analyzeConnectorCode } from './analyze.js';

export default function analyze(code: string) {
  return analyzeConnectorCode(code);
}
