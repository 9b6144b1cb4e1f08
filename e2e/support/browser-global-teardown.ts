/** The template and the server of the run go as in the API suite. */
export { default } from './global-teardown';
