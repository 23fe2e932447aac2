// Placeholder until its owner fills it in; see docs/architecture.md.
export {};
