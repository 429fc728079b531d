/**
 * The ui suite (`npm run bench -- ui`): the web console in headless chromium against a
 * real server. Needs the built console (`npm run build`) and Debian's chromium. Pages
 * add their scenarios to the list (ui-browser.ts has the server, browser and long-task
 * helpers).
 */
import type { Suite } from '../harness.js';
import { firstLoad } from './first-load.js';
import { gridLongTasks } from './grid-long-tasks.js';
import { initialJs } from './initial-js.js';

export const uiSuite: Suite = {
  name: 'ui',
  scenarios: [initialJs, firstLoad, gridLongTasks],
};
