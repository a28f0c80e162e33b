/**
 * The app's entry (package.json `main`): importing each module registers its functions with the Functions host.
 */
export {};
