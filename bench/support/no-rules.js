// Benchmarks drive the services directly: the dev-gateway they start delivers no deltas.
export default [];
